package dev.summarizer.generate;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.summarizer.export.GraphWeights;
import dev.summarizer.model.ParameterSpec;
import dev.summarizer.model.T5ParameterLayout;
import dev.summarizer.onnx.DType;
import dev.summarizer.onnx.Dim;
import dev.summarizer.onnx.Graph;
import dev.summarizer.onnx.OnnxModelWriter;
import dev.summarizer.runtime.NativeResources;
import dev.summarizer.runtime.Sessions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The weights a model over live parameters opens its sessions with (graphs built {@link GraphWeights#asInputs}):
 * embeddings, norms and position biases are the parameter buffers themselves; linear weights are transposed copies,
 * which {@link #refresh} brings up to date in one ONNX Runtime run (a tenth of a second for t5-small) instead of the
 * second it takes ONNX Runtime to fold the transposes when it opens a session.
 */
final class LiveWeights implements AutoCloseable {
    private final Map<String, OnnxTensor> byInputName;
    private final List<OnnxTensor> copies;
    private final OrtSession transpose;
    private final Map<String, OnnxTensor> transposeInputs;
    private final Map<String, OnnxTensor> transposeOutputs;

    private LiveWeights(Map<String, OnnxTensor> byInputName, List<OnnxTensor> copies, OrtSession transpose,
            Map<String, OnnxTensor> transposeInputs, Map<String, OnnxTensor> transposeOutputs) {
        this.byInputName = byInputName;
        this.copies = copies;
        this.transpose = transpose;
        this.transposeInputs = transposeInputs;
        this.transposeOutputs = transposeOutputs;
    }

    /**
     * The weights for the graph inputs {@code wanted} (parameter names, or {@link GraphWeights#transposedName}s of
     * them), over {@code parameters}, which must stay open while this is in use.
     */
    static LiveWeights over(T5ParameterLayout layout, Map<String, OnnxTensor> parameters, Collection<String> wanted,
            int threads) throws OrtException {
        Map<String, OnnxTensor> byInputName = new HashMap<>();
        Map<String, OnnxTensor> transposeInputs = new HashMap<>();
        Map<String, OnnxTensor> transposeOutputs = new HashMap<>();
        String prefix = GraphWeights.transposedName("");
        Graph g = new Graph("transpose_linear_weights");
        try (NativeResources opened = new NativeResources()) {
            List<OnnxTensor> copies = new ArrayList<>();
            for (String name : new LinkedHashSet<>(wanted)) {
                if (!name.startsWith(prefix)) {
                    byInputName.put(name, parameters.get(name));
                    continue;
                }
                String parameter = name.substring(prefix.length());
                ParameterSpec spec = layout.spec(parameter);
                long rows = spec.shape()[0];
                long columns = spec.shape()[1];
                OnnxTensor copy = opened.add(OnnxTensor.createTensor(Sessions.environment(),
                        ByteBuffer.allocateDirect(Math.toIntExact(4 * rows * columns)).order(ByteOrder.nativeOrder())
                                .asFloatBuffer(), new long[] {columns, rows}));
                copies.add(copy);
                byInputName.put(name, copy);
                g.output(name, g.transpose(g.input(parameter, DType.FLOAT, Dim.of(rows), Dim.of(columns)), 1, 0));
                transposeInputs.put(parameter, parameters.get(parameter));
                transposeOutputs.put(name, copy);
            }
            OrtSession transpose = copies.isEmpty() ? null
                    : opened.add(Sessions.open(OnnxModelWriter.toModel(g).toByteArray(), threads));
            LiveWeights weights = new LiveWeights(byInputName, copies, transpose, transposeInputs, transposeOutputs);
            opened.handOver();
            return weights;
        }
    }

    /** The tensor behind each graph input name. */
    Map<String, OnnxTensor> byInputName() {
        return byInputName;
    }

    /** Copies the parameters' current values into the transposed copies. */
    void refresh() throws OrtException {
        if (transpose != null) {
            transpose.run(transposeInputs, Set.of(), transposeOutputs).close();
        }
    }

    @Override
    public void close() throws OrtException {
        List<AutoCloseable> all = new ArrayList<>(copies);
        all.add(transpose);
        NativeResources.closeAll(all.toArray(AutoCloseable[]::new));
    }
}

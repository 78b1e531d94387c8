package dev.summarizer.export;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.summarizer.model.T5ParameterLayout;
import dev.summarizer.onnx.Graph;
import dev.summarizer.onnx.OnnxModelWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * An inference graph whose weights the session is given from memory when it is created: the graph is built with
 * {@link GraphWeights#asInputs}, then each weight input becomes an initializer marked as external data, which
 * {@code Sessions.openWithInitializers} supplies from buffers that live elsewhere (a training session's parameters).
 * The model itself stays a few kilobytes, so it is serialised once; every session opened from it treats the weights
 * as constants, as for an exported file.
 */
public record SuppliedInitializers(byte[] model, List<String> names) {
    /** Where the external data "is": nowhere on disk; ONNX Runtime is given every tensor before it would look. */
    private static final String LOCATION = "supplied-by-the-caller";

    /** {@code graph}'s weight inputs (parameters of {@code layout}, or their transposed forms) made initializers. */
    public static SuppliedInitializers of(Graph graph, T5ParameterLayout layout) {
        ModelProto proto = OnnxModelWriter.toModel(graph);
        GraphProto.Builder g = proto.getGraph().toBuilder();
        List<ValueInfoProto> inputs = new ArrayList<>(g.getInputList());
        List<String> names = new ArrayList<>();
        g.clearInput();
        for (ValueInfoProto input : inputs) {
            String name = input.getName();
            boolean weight = layout.contains(name) || (name.startsWith(GraphWeights.transposedName(""))
                    && layout.contains(name.substring(GraphWeights.transposedName("").length())));
            if (!weight) {
                g.addInput(input);
                continue;
            }
            names.add(input.getName());
            TensorProto.Builder t = TensorProto.newBuilder().setName(input.getName())
                    .setDataType(input.getType().getTensorType().getElemType())
                    .setDataLocation(TensorProto.DataLocation.EXTERNAL);
            long bytes = 4;
            for (TensorShapeProto.Dimension d : input.getType().getTensorType().getShape().getDimList()) {
                t.addDims(d.getDimValue());
                bytes *= d.getDimValue();
            }
            t.addExternalData(entry("location", LOCATION)).addExternalData(entry("offset", "0"))
                    .addExternalData(entry("length", Long.toString(bytes)));
            g.addInitializer(t);
        }
        return new SuppliedInitializers(proto.toBuilder().setGraph(g).build().toByteArray(), List.copyOf(names));
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }
}

package dev.summarizer.generate;

import static dev.summarizer.export.OptimumLayout.ENCODER_HIDDEN_STATES;
import static dev.summarizer.export.OptimumLayout.presentName;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.summarizer.export.GraphWeights;
import dev.summarizer.export.RowwiseDecoderGraphs;
import dev.summarizer.export.quantize.QuantizationSpec;
import dev.summarizer.export.quantize.WeightQuantization;
import dev.summarizer.model.T5Config;
import dev.summarizer.model.T5Weights;
import dev.summarizer.onnx.Graph;
import dev.summarizer.onnx.OnnxModelWriter;
import dev.summarizer.runtime.Device;
import dev.summarizer.runtime.NativeResources;
import dev.summarizer.runtime.Sessions;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sessions continuous batching decodes with: {@link RowwiseDecoderGraphs}' cross-key-value projection and
 * per-row decoder step, built in memory over a model's weights (quantized as its exported files are, for a dtype other
 * than float32), and the helper that regathers self-attention caches ({@link DecodingHelperGraphs#cacheRegather}).
 * Thread-safe, as ONNX Runtime sessions are.
 */
final class RowwiseDecoder implements AutoCloseable {
    private final T5Config config;
    private final OrtSession crossKeyValues;
    private final OrtSession step;
    private final OrtSession regather;
    private final RunTimer timer;
    private final Set<String> stepOutputs;

    private RowwiseDecoder(T5Config config, OrtSession crossKeyValues, OrtSession step, OrtSession regather, RunTimer timer) {
        this.config = config;
        this.crossKeyValues = crossKeyValues;
        this.step = step;
        this.regather = regather;
        this.timer = timer;
        this.stepOutputs = new java.util.HashSet<>(step.getOutputNames());
        stepOutputs.remove(dev.summarizer.export.OptimumLayout.LOGITS);
    }

    /**
     * Builds the graphs over {@code weights} and opens them. {@code quantization} null keeps the weights float32; the
     * weights are not needed afterwards.
     */
    static RowwiseDecoder open(T5Weights weights, QuantizationSpec quantization, Device device, int threads, RunTimer timer)
            throws OrtException {
        GraphWeights embedded = GraphWeights.embedded(weights);
        try (NativeResources opened = new NativeResources()) {
            OrtSession cross = opened.add(Sessions.open(serialize(RowwiseDecoderGraphs.crossKeyValues(embedded), quantization),
                    device, threads));
            OrtSession step = opened.add(Sessions.open(serialize(RowwiseDecoderGraphs.step(embedded), quantization), device,
                    threads));
            OrtSession regather = opened.add(Sessions.open(
                    DecodingHelperGraphs.cacheRegather(2 * weights.config().numDecoderLayers()), device, threads));
            RowwiseDecoder decoder = new RowwiseDecoder(weights.config(), cross, step, regather, timer);
            opened.handOver();
            return decoder;
        }
    }

    private static byte[] serialize(Graph graph, QuantizationSpec quantization) {
        if (quantization != null) {
            WeightQuantization.apply(graph, quantization);
        }
        return OnnxModelWriter.toModel(graph).toByteArray();
    }

    T5Config config() {
        return config;
    }

    /**
     * Every decoder layer's cross-attention keys and values of one text's encoder output {@code [length, d_model]}:
     * entry {@code 2 * layer} the keys, {@code 2 * layer + 1} the values, each {@code [heads, length, d_kv]}.
     */
    float[][] crossKeyValues(float[] encoderHidden, int length) throws OrtException {
        int layers = config.numDecoderLayers();
        float[][] out = new float[2 * layers][];
        try (OnnxTensor hidden = OnnxTensor.createTensor(Sessions.environment(), FloatBuffer.wrap(encoderHidden),
                new long[] {1, length, config.dModel()});
                OrtSession.Result result = timer.run(crossKeyValues, Map.of(ENCODER_HIDDEN_STATES, hidden))) {
            for (int i = 0; i < layers; i++) {
                out[2 * i] = floats(result, presentName(i, true, false));
                out[2 * i + 1] = floats(result, presentName(i, true, true));
            }
        }
        return out;
    }

    /** One step; the logits go into {@code logits} ({@code [rows, 1, vocab]}), the grown caches come in the result. */
    OrtSession.Result step(Map<String, OnnxTensor> inputs, OnnxTensor logits) throws OrtException {
        return timer.runDecoder(step, inputs, stepOutputs, Map.of(dev.summarizer.export.OptimumLayout.LOGITS, logits));
    }

    /**
     * The self-attention caches ({@code 2 * layers}, keys then values per layer) with their rows gathered by
     * {@code rows} and their slots from {@code firstSlot} on; output {@code i} under
     * {@link DecodingHelperGraphs#cacheOutput}.
     */
    OrtSession.Result regather(List<OnnxTensor> caches, long[] rows, long firstSlot) throws OrtException {
        try (OnnxTensor rowTensor = OnnxTensor.createTensor(Sessions.environment(), LongBuffer.wrap(rows), new long[] {rows.length});
                OnnxTensor slot = OnnxTensor.createTensor(Sessions.environment(), LongBuffer.wrap(new long[] {firstSlot}),
                        new long[] {1})) {
            Map<String, OnnxTensor> inputs = new HashMap<>();
            inputs.put(DecodingHelperGraphs.PARENT_ROWS, rowTensor);
            inputs.put(DecodingHelperGraphs.FIRST_SLOT, slot);
            for (int i = 0; i < caches.size(); i++) {
                inputs.put(DecodingHelperGraphs.cacheInput(i), caches.get(i));
            }
            return timer.run(regather, inputs);
        }
    }

    private static float[] floats(OrtSession.Result result, String name) {
        FloatBuffer buffer = ((OnnxTensor) result.get(name).orElseThrow()).getFloatBuffer();
        float[] values = new float[buffer.remaining()];
        buffer.get(values);
        return values;
    }

    @Override
    public void close() throws OrtException {
        NativeResources.closeAll(crossKeyValues, step, regather);
    }
}

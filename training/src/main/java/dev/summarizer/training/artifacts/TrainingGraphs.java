package dev.summarizer.training.artifacts;

import dev.summarizer.training.autodiff.Gradients;
import dev.summarizer.model.ParameterSpec;
import dev.summarizer.model.T5Config;
import dev.summarizer.model.T5ParameterLayout;
import dev.summarizer.onnx.DType;
import dev.summarizer.onnx.Dim;
import dev.summarizer.onnx.Graph;
import dev.summarizer.onnx.Value;
import dev.summarizer.t5.DropoutPolicy;
import dev.summarizer.t5.T5Layers;
import dev.summarizer.training.artifacts.T5Loss;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training and eval models: the T5 forward written by {@link T5Layers}, with the parameters as graph
 * inputs, and the loss; the training model adds dropout and every parameter's gradient.
 */
public final class TrainingGraphs {
    private static final Dim BATCH = Dim.named("batch_size");
    private static final Dim SOURCE = Dim.named("source_length");
    private static final Dim TARGET = Dim.named("target_length");

    private TrainingGraphs() {}

    /**
     * Inputs: every parameter (in layout order), {@code input_ids}, {@code attention_mask}, {@code labels}
     * (-100 ignored; the decoder inputs are the labels shifted right). Outputs: {@code loss}, then
     * {@code <parameter>_grad} per parameter.
     *
     * @param dropoutSeed seeds the Dropout nodes; a session draws new masks every step from it
     */
    public static Graph training(T5Config config, T5ParameterLayout layout, double dropout, long dropoutSeed,
            double labelSmoothing) {
        Graph g = new Graph("training");
        Forward f = forward(g, config, layout, DropoutPolicy.training(dropout, dropoutSeed), labelSmoothing);
        Map<String, Value> grads = Gradients.of(g, f.loss, f.parameters, g.scalar(DType.FLOAT, 1));
        g.output(ArtifactNames.LOSS, f.loss);
        for (Value p : f.parameters) {
            ParameterSpec spec = layout.spec(p.name());
            g.output(ArtifactNames.gradient(p.name()), grads.get(p.name()), dims(spec.shape()));
        }
        return g;
    }

    /** The same inputs; the loss without dropout and without gradients. */
    public static Graph eval(T5Config config, T5ParameterLayout layout, double labelSmoothing) {
        Graph g = new Graph("eval");
        Forward f = forward(g, config, layout, DropoutPolicy.NONE, labelSmoothing);
        g.output(ArtifactNames.LOSS, f.loss);
        return g;
    }

    private record Forward(List<Value> parameters, Value loss) {}

    private static Forward forward(Graph g, T5Config config, T5ParameterLayout layout, DropoutPolicy dropout,
            double labelSmoothing) {
        Map<String, Value> params = new LinkedHashMap<>();
        for (ParameterSpec spec : layout.specs()) {
            params.put(spec.name(), g.input(spec.name(), DType.FLOAT, dims(spec.shape())));
        }
        Value inputIds = g.input(ArtifactNames.INPUT_IDS, DType.INT64, BATCH, SOURCE);
        Value attentionMask = g.input(ArtifactNames.ATTENTION_MASK, DType.INT64, BATCH, SOURCE);
        Value labels = g.input(ArtifactNames.LABELS, DType.INT64, BATCH, TARGET);

        T5Layers t5 = new T5Layers(g, config, params::get, dropout, layout.hasSeparateLmHead());
        Value encoded = t5.encoder(inputIds, attentionMask);
        Value decoderInputs = T5Loss.decoderInputIds(g, labels, config.decoderStartTokenId(), config.padTokenId());
        T5Layers.DecoderOutput decoded = t5.decoder(decoderInputs, encoded, attentionMask, null);
        Value loss = T5Loss.crossEntropy(g, t5.lmLogits(decoded.hidden()), labels, labelSmoothing);
        return new Forward(new ArrayList<>(params.values()), loss);
    }

    static Dim[] dims(long[] shape) {
        Dim[] dims = new Dim[shape.length];
        for (int i = 0; i < shape.length; i++) {
            dims[i] = Dim.of(shape[i]);
        }
        return dims;
    }
}

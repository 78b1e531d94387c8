package dev.summarizer.training.artifacts;

import dev.summarizer.model.ParameterSpec;
import dev.summarizer.model.T5Config;
import dev.summarizer.model.T5ParameterLayout;
import dev.summarizer.onnx.DType;
import dev.summarizer.onnx.Dim;
import dev.summarizer.onnx.Graph;
import dev.summarizer.onnx.Value;
import dev.summarizer.t5.DropoutPolicy;
import dev.summarizer.t5.ParameterSource;
import dev.summarizer.t5.T5Layers;
import dev.summarizer.training.autodiff.Gradients;
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

    /** {@link #training(T5Config, T5ParameterLayout, double, long, double, T5Loss.Form)} with the fused loss. */
    public static Graph training(T5Config config, T5ParameterLayout layout, double dropout, long dropoutSeed,
            double labelSmoothing) {
        return training(config, layout, dropout, dropoutSeed, labelSmoothing, T5Loss.Form.FUSED);
    }

    /**
     * Inputs: every parameter (in layout order), {@code input_ids}, {@code attention_mask}, {@code labels}
     * (-100 ignored; the decoder inputs are the labels shifted right). Outputs: {@code loss}, then
     * {@code <parameter>_grad} per parameter.
     *
     * @param dropoutSeed seeds the Dropout nodes; a session draws new masks every step from it
     */
    public static Graph training(T5Config config, T5ParameterLayout layout, double dropout, long dropoutSeed,
            double labelSmoothing, T5Loss.Form loss) {
        Graph g = new Graph("training");
        List<Value> parameters = parameterInputs(g, layout);
        Map<String, Value> byName = byName(parameters);
        Value value = loss(g, config, byName::get, layout.hasSeparateLmHead(), DropoutPolicy.training(dropout, dropoutSeed),
                labelSmoothing, loss);
        addLossAndGradients(g, value, parameters, layout.specs());
        return g;
    }

    /** {@link #eval(T5Config, T5ParameterLayout, double, T5Loss.Form)} with the fused loss. */
    public static Graph eval(T5Config config, T5ParameterLayout layout, double labelSmoothing) {
        return eval(config, layout, labelSmoothing, T5Loss.Form.FUSED);
    }

    /** The same inputs; the loss without dropout and without gradients. */
    public static Graph eval(T5Config config, T5ParameterLayout layout, double labelSmoothing, T5Loss.Form loss) {
        Graph g = new Graph("eval");
        Map<String, Value> byName = byName(parameterInputs(g, layout));
        g.output(ArtifactNames.LOSS, loss(g, config, byName::get, layout.hasSeparateLmHead(), DropoutPolicy.NONE,
                labelSmoothing, loss));
        return g;
    }

    /**
     * The training objective of the T5 forward over {@code params}: declares {@code input_ids},
     * {@code attention_mask} and {@code labels} as inputs of {@code g} and returns the mean token loss.
     */
    public static Value loss(Graph g, T5Config config, ParameterSource params, boolean separateLmHead, DropoutPolicy dropout,
            double labelSmoothing, T5Loss.Form form) {
        Value inputIds = g.input(ArtifactNames.INPUT_IDS, DType.INT64, BATCH, SOURCE);
        Value attentionMask = g.input(ArtifactNames.ATTENTION_MASK, DType.INT64, BATCH, SOURCE);
        Value labels = g.input(ArtifactNames.LABELS, DType.INT64, BATCH, TARGET);

        T5Layers t5 = new T5Layers(g, config, params, dropout, separateLmHead);
        Value encoded = t5.encoder(inputIds, attentionMask);
        Value decoderInputs = T5Loss.decoderInputIds(g, labels, config.decoderStartTokenId(), config.padTokenId());
        T5Layers.DecoderOutput decoded = t5.decoder(decoderInputs, encoded, attentionMask, null);
        return T5Loss.crossEntropy(g, t5.lmLogits(decoded.hidden()), labels, labelSmoothing, form);
    }

    /**
     * Outputs {@code loss}, then the gradient of the loss with respect to each of {@code trainable} (the graph inputs
     * of {@code specs}, in the same order) as {@code <name>_grad}. Only the nodes between those inputs and the loss
     * get gradient nodes.
     */
    public static void addLossAndGradients(Graph g, Value loss, List<Value> trainable, List<ParameterSpec> specs) {
        Map<String, Value> grads = Gradients.of(g, loss, trainable, g.scalar(DType.FLOAT, 1));
        g.output(ArtifactNames.LOSS, loss);
        for (int i = 0; i < trainable.size(); i++) {
            Value p = trainable.get(i);
            g.output(ArtifactNames.gradient(p.name()), grads.get(p.name()), dims(specs.get(i).shape()));
        }
    }

    /** One float input per spec, named and shaped as it. */
    public static List<Value> inputs(Graph g, List<ParameterSpec> specs) {
        List<Value> inputs = new ArrayList<>();
        for (ParameterSpec spec : specs) {
            inputs.add(g.input(spec.name(), DType.FLOAT, dims(spec.shape())));
        }
        return inputs;
    }

    private static List<Value> parameterInputs(Graph g, T5ParameterLayout layout) {
        return inputs(g, layout.specs());
    }

    private static Map<String, Value> byName(List<Value> values) {
        Map<String, Value> map = new LinkedHashMap<>();
        values.forEach(v -> map.put(v.name(), v));
        return map;
    }

    public static Dim[] dims(long[] shape) {
        Dim[] dims = new Dim[shape.length];
        for (int i = 0; i < shape.length; i++) {
            dims[i] = Dim.of(shape[i]);
        }
        return dims;
    }
}

package dev.summarizer.training.lora;

import dev.summarizer.lora.LoraAdapter;
import dev.summarizer.lora.LoraConfig;
import dev.summarizer.model.ParameterSpec;
import dev.summarizer.model.T5Config;
import dev.summarizer.model.T5ParameterLayout;
import dev.summarizer.onnx.DType;
import dev.summarizer.onnx.Graph;
import dev.summarizer.onnx.Value;
import dev.summarizer.t5.DropoutPolicy;
import dev.summarizer.t5.ParameterSource;
import dev.summarizer.training.artifacts.ArtifactNames;
import dev.summarizer.training.artifacts.T5Loss;
import dev.summarizer.training.artifacts.TrainingGraphs;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The LoRA training and eval models: the same T5 forward and loss as full fine-tuning, with an adapter on the
 * targeted linear layers. The graph inputs are the adapter's factors (in {@link LoraAdapter#specs} order) and the
 * batch; the model's own weights are graph inputs too when built here, named as in the model, and become
 * initializers the session supplies once (see {@code SuppliedInitializers}). The training model's outputs are the
 * loss and the factors' gradients only: no node computes a gradient of a frozen weight.
 */
public final class LoraGraphs {
    private LoraGraphs() {}

    /** The shape of the adapter a graph is built for: its configuration and the modules it adapts. */
    public record Adapter(LoraConfig config, List<String> modules) {
        public List<ParameterSpec> specs(T5ParameterLayout layout) {
            return LoraAdapter.specs(layout, modules, config.r());
        }
    }

    /**
     * @param dropout the model's dropout rate ({@code dropout_rate}); the adapter's is its config's
     * @param dropoutSeed seeds every Dropout node, the model's and the adapter's (in a stream of their own)
     */
    public static Graph training(T5Config config, T5ParameterLayout layout, Adapter adapter, double dropout, long dropoutSeed,
            double labelSmoothing, T5Loss.Form loss) {
        Graph g = new Graph("lora_training");
        List<ParameterSpec> specs = adapter.specs(layout);
        List<Value> factors = TrainingGraphs.inputs(g, specs);
        DropoutPolicy adapterDropout = DropoutPolicy.training(adapter.config().dropout(), ~dropoutSeed);
        Value value = TrainingGraphs.loss(g, config, source(g, layout, factors, adapter, adapterDropout),
                layout.hasSeparateLmHead(), DropoutPolicy.training(dropout, dropoutSeed), labelSmoothing, loss);
        TrainingGraphs.addLossAndGradients(g, value, factors, specs);
        return g;
    }

    /** The same inputs; the loss without dropout and without gradients. */
    public static Graph eval(T5Config config, T5ParameterLayout layout, Adapter adapter, double labelSmoothing, T5Loss.Form loss) {
        Graph g = new Graph("lora_eval");
        List<Value> factors = TrainingGraphs.inputs(g, adapter.specs(layout));
        g.output(ArtifactNames.LOSS, TrainingGraphs.loss(g, config, source(g, layout, factors, adapter, DropoutPolicy.NONE),
                layout.hasSeparateLmHead(), DropoutPolicy.NONE, labelSmoothing, loss));
        return g;
    }

    /** Frozen weights as graph inputs, added the first time a layer asks for one; the adapter on the targeted layers. */
    private static ParameterSource source(Graph g, T5ParameterLayout layout, List<Value> factors, Adapter adapter,
            DropoutPolicy adapterDropout) {
        Map<String, Value> frozen = new HashMap<>();
        ParameterSource weights = name -> frozen.computeIfAbsent(name,
                n -> g.input(n, DType.FLOAT, TrainingGraphs.dims(layout.spec(n).shape())));
        Map<String, Value> byKey = new LinkedHashMap<>();
        factors.forEach(f -> byKey.put(f.name(), f));
        return new AdaptedLinears(weights, byKey, adapter.config().scaling(), adapterDropout);
    }
}

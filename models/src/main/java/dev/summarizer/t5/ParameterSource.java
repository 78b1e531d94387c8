package dev.summarizer.t5;

import dev.summarizer.onnx.Graph;
import dev.summarizer.onnx.Value;

/**
 * Where the T5 layer functions get their weights: initializers in an exported inference graph, graph inputs
 * in a training graph, frozen weights plus trained adapters in a LoRA training graph. Names are Hugging Face's ({@code encoder.block.0.layer.0.SelfAttention.q.weight}).
 */
@FunctionalInterface
public interface ParameterSource {
    Value get(String name);

    /**
     * A linear weight {@code W [out, in]} as the right-hand side of {@code x @ W^T}, made in graph {@code g}: by
     * default the transpose of {@link #get}, which ONNX Runtime folds into the initializer of an exported file and
     * which training differentiates plainly. A source may give it already transposed instead (see
     * {@code GraphWeights.asInputs}).
     */
    default Value linearWeight(Graph g, String name) {
        return g.transpose(get(name), 1, 0);
    }

    /**
     * The linear layer {@code x @ W^T} of weight {@code name}, made in graph {@code g}. A source may add to it: LoRA
     * adds its adapter's low-rank term to the layers it targets.
     */
    default Value linear(Graph g, Value x, String name) {
        return g.matMul(x, linearWeight(g, name));
    }
}

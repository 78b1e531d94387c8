package dev.summarizer.t5;

import dev.summarizer.onnx.Value;

/**
 * Where the T5 layer functions get their weights: initializers in an exported inference graph, graph inputs
 * in a training graph. Names are Hugging Face's ({@code encoder.block.0.layer.0.SelfAttention.q.weight}).
 */
@FunctionalInterface
public interface ParameterSource {
    Value get(String name);
}

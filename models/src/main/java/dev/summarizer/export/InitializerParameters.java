package dev.summarizer.export;

import dev.summarizer.model.T5Weights;
import dev.summarizer.onnx.Graph;
import dev.summarizer.onnx.Value;
import dev.summarizer.t5.ParameterSource;
import java.util.HashMap;
import java.util.Map;

/**
 * Weights as initializers of an inference graph, added the first time a layer asks for them: each exported
 * file holds exactly the weights its graph uses, and the merged decoder's branches share one copy.
 */
final class InitializerParameters implements ParameterSource {
    private final Graph root;
    private final T5Weights weights;
    private final Map<String, Value> added = new HashMap<>();

    InitializerParameters(Graph root, T5Weights weights) {
        this.root = root;
        this.weights = weights;
    }

    @Override
    public Value get(String name) {
        return added.computeIfAbsent(name, n -> root.initializer(n, weights.tensor(n)));
    }
}

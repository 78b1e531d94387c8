package dev.summarizer.export;

import dev.summarizer.model.T5Config;
import dev.summarizer.model.T5ParameterLayout;
import dev.summarizer.model.T5Weights;
import dev.summarizer.onnx.DType;
import dev.summarizer.onnx.Dim;
import dev.summarizer.onnx.Graph;
import dev.summarizer.onnx.Value;
import dev.summarizer.t5.ParameterSource;
import java.util.HashMap;
import java.util.Map;

/**
 * How an inference graph holds its weights. {@link #embedded} puts them in the file as initializers (the exported
 * model); {@link #asInputs} declares each as a graph input, for weights that live elsewhere (a training run's
 * parameter buffers, see {@link SuppliedInitializers}): embeddings, norms and position biases under their own names,
 * linear weights already transposed to {@code [in, out]} under {@link #transposedName}, because ONNX Runtime folds a
 * transposed constant slowly when it opens a session (about 1 s for a t5-small decoder's weights). Either way a
 * weight is added the first time a layer asks for it: each graph holds or takes exactly the weights it uses, and the
 * merged decoder's branches share one copy.
 */
public sealed interface GraphWeights {
    T5Config config();

    T5ParameterLayout layout();

    /** A parameter source for the layers of graph {@code root} (and its branches). */
    ParameterSource attachTo(Graph root);

    static GraphWeights embedded(T5Weights weights) {
        return new Embedded(weights);
    }

    /** The graph input that holds linear weight {@code name} transposed, in a graph built {@link #asInputs}. */
    static String transposedName(String name) {
        return "transposed." + name;
    }

    static GraphWeights asInputs(T5Config config, T5ParameterLayout layout) {
        return new AsInputs(config, layout);
    }

    record Embedded(T5Weights weights) implements GraphWeights {
        @Override
        public T5Config config() {
            return weights.config();
        }

        @Override
        public T5ParameterLayout layout() {
            return weights.layout();
        }

        @Override
        public ParameterSource attachTo(Graph root) {
            Map<String, Value> added = new HashMap<>();
            return name -> added.computeIfAbsent(name, n -> root.initializer(n, weights.tensor(n)));
        }
    }

    record AsInputs(T5Config config, T5ParameterLayout layout) implements GraphWeights {
        @Override
        public ParameterSource attachTo(Graph root) {
            Map<String, Value> added = new HashMap<>();
            return new ParameterSource() {
                @Override
                public Value get(String name) {
                    return added.computeIfAbsent(name, n -> {
                        long[] shape = layout.spec(n).shape();
                        Dim[] dims = new Dim[shape.length];
                        for (int i = 0; i < dims.length; i++) {
                            dims[i] = Dim.of(shape[i]);
                        }
                        return root.input(n, DType.FLOAT, dims);
                    });
                }

                @Override
                public Value linearWeight(Graph g, String name) {
                    return added.computeIfAbsent(transposedName(name), n -> {
                        long[] shape = layout.spec(name).shape();
                        return root.input(n, DType.FLOAT, Dim.of(shape[1]), Dim.of(shape[0]));
                    });
                }
            };
        }
    }
}

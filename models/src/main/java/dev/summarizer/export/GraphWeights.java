package dev.summarizer.export;

import dev.summarizer.model.ParameterSpec;
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
 * model); {@link #fedAtRun} declares each as a graph input of the same name, fed at every run (a training run's
 * evaluation decoders read the live parameter buffers this way, so they are built once and never go stale). Either
 * way a weight is added the first time a layer asks for it: each graph holds or takes exactly the weights it uses,
 * and the merged decoder's branches share one copy.
 */
public sealed interface GraphWeights {
    T5Config config();

    T5ParameterLayout layout();

    /** A parameter source for the layers of graph {@code root} (and its branches). */
    ParameterSource attachTo(Graph root);

    static GraphWeights embedded(T5Weights weights) {
        return new Embedded(weights);
    }

    static GraphWeights fedAtRun(T5Config config, T5ParameterLayout layout) {
        return new FedAtRun(config, layout);
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

    record FedAtRun(T5Config config, T5ParameterLayout layout) implements GraphWeights {
        @Override
        public ParameterSource attachTo(Graph root) {
            Map<String, Value> added = new HashMap<>();
            return name -> added.computeIfAbsent(name, n -> {
                ParameterSpec spec = layout.spec(n);
                Dim[] dims = new Dim[spec.shape().length];
                for (int i = 0; i < dims.length; i++) {
                    dims[i] = Dim.of(spec.shape()[i]);
                }
                return root.input(n, DType.FLOAT, dims);
            });
        }
    }
}

package dev.summarizer.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Random initialisation with transformers' T5 scheme ({@code T5PreTrainedModel._init_weights}): normal
 * weights whose standard deviation is {@code initializer_factor} times the inverse square root of the fan-in
 * (the query also folds in T5's missing attention scaling), layer norms at one.
 */
public final class T5Initializer {
    private T5Initializer() {}

    public static T5Weights initialize(T5Config config, long seed) {
        T5ParameterLayout layout = new T5ParameterLayout(config);
        SplittableRandom root = new SplittableRandom(seed);
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        for (ParameterSpec spec : layout.specs()) {
            // One stream per tensor so a tensor's values do not depend on how large the others are.
            SplittableRandom random = root.split();
            FloatTensor t = FloatTensor.zeros(spec.shape());
            float[] v = t.data();
            if (spec.kind() == ParameterKind.LAYER_NORM) {
                Arrays.fill(v, (float) config.initializerFactor());
            } else {
                double std = standardDeviation(config, spec.kind());
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (std * random.nextGaussian());
                }
            }
            tensors.put(spec.name(), t);
        }
        return new T5Weights(config, tensors);
    }

    static double standardDeviation(T5Config c, ParameterKind kind) {
        double factor = c.initializerFactor();
        return switch (kind) {
            case EMBEDDING, LM_HEAD -> factor;
            case ATTENTION_QUERY -> factor / Math.sqrt((double) c.dModel() * c.dKv());
            case ATTENTION_KEY_VALUE, FEED_FORWARD_IN, RELATIVE_ATTENTION_BIAS -> factor / Math.sqrt(c.dModel());
            case ATTENTION_OUTPUT -> factor / Math.sqrt((double) c.numHeads() * c.dKv());
            case FEED_FORWARD_OUT -> factor / Math.sqrt(c.dFf());
            case LAYER_NORM -> throw new IllegalArgumentException("layer norms are constant");
            case LORA_ADAPTER -> throw new IllegalArgumentException("LoRA adapters are not part of a T5 model");
        };
    }
}

package dev.summarizer.lora;

import dev.summarizer.model.FloatTensor;
import dev.summarizer.model.ParameterSpec;
import dev.summarizer.model.T5ParameterLayout;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A new adapter as PEFT initialises one ({@code init_lora_weights=True}): {@code lora_A} from torch's
 * {@code kaiming_uniform_(a=sqrt(5))}, which for a {@code [r, in]} weight is uniform on {@code ±1/sqrt(in)}, and
 * {@code lora_B} zero, so that the adapted model starts as the base model.
 */
public final class LoraInitializer {
    private LoraInitializer() {}

    /** An adapter of {@code config} on {@code modules} of {@code layout}, its random values drawn from {@code seed}. */
    public static LoraAdapter initialize(LoraConfig config, T5ParameterLayout layout, List<String> modules, long seed) {
        SplittableRandom root = new SplittableRandom(seed);
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        for (ParameterSpec spec : LoraAdapter.specs(layout, modules, config.r())) {
            // One stream per tensor, as T5Initializer does, so a factor does not depend on the others' sizes.
            SplittableRandom random = root.split();
            FloatTensor t = FloatTensor.zeros(spec.shape());
            if (LoraAdapter.factorOf(spec.name()).a()) {
                double bound = 1 / Math.sqrt(spec.shape()[1]);
                float[] v = t.data();
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) random.nextDouble(-bound, bound);
                }
            }
            tensors.put(spec.name(), t);
        }
        return new LoraAdapter(config, modules, tensors);
    }
}

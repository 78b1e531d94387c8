package dev.summarizer.lora;

import dev.summarizer.model.FloatTensor;
import dev.summarizer.model.ParameterKind;
import dev.summarizer.model.ParameterSpec;
import dev.summarizer.model.T5ParameterLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A LoRA adapter of a T5 model: its configuration, the modules it adapts, and per module {@code lora_A [r, in]} and
 * {@code lora_B [out, r]} under the keys PEFT saves them with
 * ({@code base_model.model.encoder.block.0.layer.0.SelfAttention.q.lora_A.weight}). An adapted layer computes
 * {@code x W^T + (dropout(x) A^T B^T) * alpha / r}.
 *
 * @param modules the adapted modules, in the model's order
 * @param tensors every factor by key, for each module its A then its B
 */
public record LoraAdapter(LoraConfig config, List<String> modules, Map<String, FloatTensor> tensors) {
    private static final String PREFIX = "base_model.model.";

    public LoraAdapter {
        modules = List.copyOf(modules);
        tensors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        if (tensors.size() != 2 * modules.size()) {
            throw new IllegalArgumentException("an adapter has an A and a B per module");
        }
        for (String m : modules) {
            if (!tensors.containsKey(keyA(m)) || !tensors.containsKey(keyB(m))) {
                throw new IllegalArgumentException("no factors for " + m);
            }
        }
    }

    /** PEFT's key of a module's {@code lora_A} factor. */
    public static String keyA(String module) {
        return PREFIX + module + ".lora_A.weight";
    }

    /** PEFT's key of a module's {@code lora_B} factor. */
    public static String keyB(String module) {
        return PREFIX + module + ".lora_B.weight";
    }

    /** The module a factor's key belongs to and which factor it is, or null for a key of another form. */
    public static Factor factorOf(String key) {
        for (String which : List.of("A", "B")) {
            String suffix = ".lora_" + which + ".weight";
            if (key.startsWith(PREFIX) && key.endsWith(suffix) && key.length() > PREFIX.length() + suffix.length()) {
                return new Factor(key.substring(PREFIX.length(), key.length() - suffix.length()), which.equals("A"));
            }
        }
        return null;
    }

    /** One factor of an adapted module: {@code a} for lora_A, else lora_B. */
    public record Factor(String module, boolean a) {}

    /**
     * The factors' shapes for adapting {@code modules} of {@code layout} at rank {@code r}, as trainable tensors (A
     * then B per module, in the modules' order).
     */
    public static List<ParameterSpec> specs(T5ParameterLayout layout, List<String> modules, int r) {
        List<ParameterSpec> specs = new ArrayList<>();
        for (String module : modules) {
            long[] weight = layout.spec(LoraTargets.weight(module)).shape(); // [out, in]
            specs.add(new ParameterSpec(keyA(module), new long[] {r, weight[1]}, ParameterKind.LORA_ADAPTER));
            specs.add(new ParameterSpec(keyB(module), new long[] {weight[0], r}, ParameterKind.LORA_ADAPTER));
        }
        return specs;
    }

    public FloatTensor a(String module) {
        return tensors.get(keyA(module));
    }

    public FloatTensor b(String module) {
        return tensors.get(keyB(module));
    }

    /** This adapter with other factor values (the same modules and configuration). */
    public LoraAdapter withTensors(Map<String, FloatTensor> values) {
        return new LoraAdapter(config, modules, values);
    }
}

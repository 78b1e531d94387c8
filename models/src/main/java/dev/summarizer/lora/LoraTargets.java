package dev.summarizer.lora;

import dev.summarizer.model.ParameterKind;
import dev.summarizer.model.ParameterSpec;
import dev.summarizer.model.T5ParameterLayout;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which linear layers of a T5 model a LoRA configuration adapts, by PEFT's rule: a module is targeted when its name
 * equals a target or ends with "." and the target ({@code o} matches {@code SelfAttention.o}, not {@code wo}).
 * Modules are named as in transformers, a linear weight's name without {@code .weight}
 * ({@code encoder.block.0.layer.0.SelfAttention.q}).
 */
public final class LoraTargets {
    private static final Set<ParameterKind> LINEAR = EnumSet.of(ParameterKind.ATTENTION_QUERY,
            ParameterKind.ATTENTION_KEY_VALUE, ParameterKind.ATTENTION_OUTPUT, ParameterKind.FEED_FORWARD_IN,
            ParameterKind.FEED_FORWARD_OUT);
    private static final String WEIGHT = ".weight";

    private LoraTargets() {}

    /** The modules {@code targets} selects in {@code layout}, in the layout's order; empty when none matches. */
    public static List<String> modules(T5ParameterLayout layout, List<String> targets) {
        List<String> resolved = resolve(layout, targets);
        List<String> modules = new ArrayList<>();
        for (String module : linearModules(layout)) {
            for (String target : resolved) {
                if (module.equals(target) || module.endsWith("." + target)) {
                    modules.add(module);
                    break;
                }
            }
        }
        return modules;
    }

    /**
     * {@code targets} with {@link LoraConfig#ALL_LINEAR} replaced by the names of the model's linear layers other than
     * the lm_head (what PEFT then records in adapter_config.json), in the order T5 uses them.
     */
    public static List<String> resolve(T5ParameterLayout layout, List<String> targets) {
        if (!targets.equals(List.of(LoraConfig.ALL_LINEAR))) {
            return targets;
        }
        Set<String> names = new LinkedHashSet<>();
        for (String module : linearModules(layout)) {
            names.add(module.substring(module.lastIndexOf('.') + 1));
        }
        return List.copyOf(names);
    }

    /** The names of {@code layout}'s linear layers that LoRA may adapt (every one but the lm_head). */
    public static List<String> linearModules(T5ParameterLayout layout) {
        List<String> modules = new ArrayList<>();
        for (ParameterSpec spec : layout.specs()) {
            if (LINEAR.contains(spec.kind())) {
                modules.add(module(spec.name()));
            }
        }
        return modules;
    }

    /** The linear weight of a module: {@code <module>.weight}. */
    public static String weight(String module) {
        return module + WEIGHT;
    }

    private static String module(String weightName) {
        return weightName.substring(0, weightName.length() - WEIGHT.length());
    }
}

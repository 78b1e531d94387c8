package dev.summarizer.lora;

import java.util.List;

/**
 * The part of PEFT's {@code LoraConfig} this project trains, reads and writes: rank {@code r}, {@code lora_alpha}
 * (the adapter's output is scaled by alpha / r), {@code lora_dropout} (on the adapter's input only) and the target
 * modules; {@code bias="none"}, no DoRA, no rsLoRA, one rank for every layer.
 *
 * @param targetModules module names as PEFT matches them (see {@link LoraTargets}), or {@link #ALL_LINEAR} alone
 */
public record LoraConfig(int r, double alpha, double dropout, List<String> targetModules) {
    /** The names of T5's linear layers that a target may be. */
    public static final List<String> MODULES = List.of("q", "k", "v", "o", "wi", "wi_0", "wi_1", "wo");
    /** PEFT's shorthand for every linear layer except the output layer (the lm_head). */
    public static final String ALL_LINEAR = "all-linear";
    /** What PEFT targets in a T5 model when no target modules are given. */
    public static final List<String> DEFAULT_TARGETS = List.of("q", "v");

    public LoraConfig {
        if (r < 1) {
            throw new IllegalArgumentException("LoRA rank r must be at least 1, got " + r);
        }
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("lora_alpha must be positive, got " + alpha);
        }
        if (dropout < 0 || dropout >= 1) {
            throw new IllegalArgumentException("lora_dropout must be in [0, 1), got " + dropout);
        }
        targetModules = List.copyOf(targetModules);
        String unknown = unknownTarget(targetModules);
        if (unknown != null) {
            throw new IllegalArgumentException("unknown LoRA target module \"" + unknown + "\"");
        }
    }

    /** The scale of the adapter's output, {@code lora_alpha / r}. */
    public double scaling() {
        return alpha / r;
    }

    /** This configuration with other target modules (all-linear resolved to the names it stands for). */
    public LoraConfig withTargetModules(List<String> modules) {
        return new LoraConfig(r, alpha, dropout, modules);
    }

    /**
     * The first of {@code targets} that is not one of {@link #MODULES} (or {@link #ALL_LINEAR} on its own), or null
     * when there is none; {@code "(none)"} for an empty list.
     */
    public static String unknownTarget(List<String> targets) {
        if (targets.isEmpty()) {
            return "(none)";
        }
        if (targets.equals(List.of(ALL_LINEAR))) {
            return null;
        }
        for (String t : targets) {
            if (!MODULES.contains(t)) {
                return t;
            }
        }
        return null;
    }
}

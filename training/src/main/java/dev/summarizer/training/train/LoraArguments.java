package dev.summarizer.training.train;

import java.nio.file.Path;
import java.util.List;

/**
 * A LoRA run's settings, as TRL's {@code ModelConfig} names them ({@code use_peft}, {@code lora_r},
 * {@code lora_alpha}, {@code lora_dropout}, {@code lora_target_modules}), plus the adapter to start from. A null
 * field was not given: a new adapter then takes PEFT's LoraConfig defaults as TRL sets them (below), and an existing
 * adapter its own values.
 *
 * @param adapter a PEFT adapter folder to continue training, or null for a new adapter
 */
public record LoraArguments(Integer r, Double alpha, Double dropout, List<String> targetModules, Path adapter) {
    public static final int DEFAULT_R = 8;
    public static final double DEFAULT_ALPHA = 16;
    public static final double DEFAULT_DROPOUT = 0.05;
}

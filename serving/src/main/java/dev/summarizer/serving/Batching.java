package dev.summarizer.serving;

import dev.summarizer.cli.UsageException;
import java.util.Locale;

/** How the server groups requests into decoder batches ({@code --batching}). */
public enum Batching {
    /** A batch of compatible requests runs until its longest member is done ({@link BatchScheduler}). */
    STATIC,
    /** Texts join and leave the running batch between any two decoder steps ({@link ContinuousScheduler}). */
    CONTINUOUS;

    /** {@code flag}'s mode; errors name it as {@code label} (the option, or the variable it came from). */
    static Batching parse(String flag, String label) {
        return switch (flag) {
            case "static" -> STATIC;
            case "continuous" -> CONTINUOUS;
            default -> throw new UsageException(label + ": expected static or continuous, got \"" + flag + "\"");
        };
    }

    String flag() {
        return name().toLowerCase(Locale.ROOT);
    }
}

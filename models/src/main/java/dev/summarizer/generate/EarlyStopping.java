package dev.summarizer.generate;

import java.util.Locale;

/**
 * When beam search stops, as transformers' {@code early_stopping}: as soon as {@code num_beams} hypotheses are
 * finished (TRUE), when the best running beam can no longer beat them by a heuristic (FALSE, the default),
 * or only when the canonical bound says so (NEVER).
 */
public enum EarlyStopping {
    TRUE,
    FALSE,
    NEVER;

    /** {@code true}, {@code false} or {@code never}; null for anything else. */
    public static EarlyStopping parse(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> TRUE;
            case "false" -> FALSE;
            case "never" -> NEVER;
            default -> null;
        };
    }

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

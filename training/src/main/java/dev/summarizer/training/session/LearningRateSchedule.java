package dev.summarizer.training.session;

import java.util.Locale;

/**
 * transformers' learning-rate schedules ({@code get_scheduler}), as the rate at optimizer step {@code step} (0 for
 * the first update): {@code step / warmup} of the base rate during warmup (so the first update uses a rate of 0),
 * then linearly decaying to 0 at {@code totalSteps}, following half a cosine, or constant. Plain {@code constant}
 * has no warmup at all, as in transformers; {@code constant_with_warmup} has.
 */
public record LearningRateSchedule(Kind kind, double baseRate, long warmupSteps, long totalSteps) {

    public enum Kind {
        LINEAR,
        COSINE,
        CONSTANT,
        CONSTANT_WITH_WARMUP;

        /** The names transformers gives them; null for any other. */
        public static Kind parse(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "linear" -> LINEAR;
                case "cosine" -> COSINE;
                case "constant" -> CONSTANT;
                case "constant_with_warmup" -> CONSTANT_WITH_WARMUP;
                default -> null;
            };
        }
    }

    public double rate(long step) {
        if (kind == Kind.CONSTANT) {
            return baseRate;
        }
        if (step < warmupSteps) {
            return baseRate * step / Math.max(1.0, warmupSteps);
        }
        return switch (kind) {
            case CONSTANT, CONSTANT_WITH_WARMUP -> baseRate;
            case LINEAR -> baseRate * Math.max(0.0, (double) (totalSteps - step) / Math.max(1.0, totalSteps - warmupSteps));
            case COSINE -> {
                double progress = (double) (step - warmupSteps) / Math.max(1.0, totalSteps - warmupSteps);
                yield baseRate * Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * 0.5 * 2.0 * progress)));
            }
        };
    }
}

package dev.summarizer.training.session;

import java.util.Locale;

/**
 * transformers' learning-rate schedules with linear warmup, as multipliers of the base rate at optimizer step
 * {@code step} (0 for the first update): {@code step / warmup} during warmup (so the first update uses a rate
 * of 0), then constant, linearly decaying to 0 at {@code totalSteps}, or following half a cosine.
 */
public record LearningRateSchedule(Kind kind, double baseRate, long warmupSteps, long totalSteps) {

    public enum Kind {
        LINEAR,
        CONSTANT,
        COSINE;

        /** {@code linear}, {@code constant} or {@code cosine}; null otherwise. */
        public static Kind parse(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "linear" -> LINEAR;
                case "constant", "constant_with_warmup" -> CONSTANT;
                case "cosine" -> COSINE;
                default -> null;
            };
        }
    }

    public double rate(long step) {
        if (step < warmupSteps) {
            return baseRate * step / Math.max(1.0, warmupSteps);
        }
        return switch (kind) {
            case CONSTANT -> baseRate;
            case LINEAR -> baseRate * Math.max(0.0, (double) (totalSteps - step) / Math.max(1.0, totalSteps - warmupSteps));
            case COSINE -> {
                double progress = (double) (step - warmupSteps) / Math.max(1.0, totalSteps - warmupSteps);
                yield baseRate * Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * 0.5 * 2.0 * progress)));
            }
        };
    }
}

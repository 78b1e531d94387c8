package dev.summarizer.training.train;

import java.util.Locale;

/** When something happens during training, as the Trainer's IntervalStrategy says it: never, every N steps, each epoch. */
public enum Strategy {
    NO, STEPS, EPOCH;

    /** {@code no}, {@code steps} or {@code epoch}; null for anything else. */
    public static Strategy parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "no" -> NO;
            case "steps" -> STEPS;
            case "epoch" -> EPOCH;
            default -> null;
        };
    }
}

package dev.summarizer.generate;

/**
 * Watches a decoding loop: sees each step's tokens (greedy search; for streaming) and can stop it (a client
 * that went away). The loop asks {@link #cancelled()} before every step and throws
 * {@link java.util.concurrent.CancellationException} when it answers true.
 */
public interface DecodingObserver {
    DecodingObserver NONE = new DecodingObserver() {};

    /** The token each row took at this greedy step (pad for rows that had already ended). */
    default void onStep(long[] tokens, boolean[] finished) {}

    default boolean cancelled() {
        return false;
    }
}

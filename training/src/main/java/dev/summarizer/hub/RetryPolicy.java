package dev.summarizer.hub;

import java.time.Duration;

/**
 * How often a request is tried again after a connection error or a 5xx/429 answer, and how long to wait:
 * exponential backoff from {@code firstDelay}, capped at {@code maxDelay} (huggingface_hub's http_backoff
 * waits 1, 2, 4, 8, 8 seconds over 5 retries).
 */
public record RetryPolicy(int retries, Duration firstDelay, Duration maxDelay) {
    public static final RetryPolicy STANDARD = new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(8));

    /** Tries again {@code retries} times without waiting (tests). */
    public static RetryPolicy immediate(int retries) {
        return new RetryPolicy(retries, Duration.ZERO, Duration.ZERO);
    }

    /** The wait before retry number {@code retry} (1-based). */
    public Duration delayBefore(int retry) {
        long millis = firstDelay.toMillis() << Math.min(retry - 1, 20);
        return Duration.ofMillis(Math.min(millis, maxDelay.toMillis()));
    }

    /** Waits before retry {@code retry}, or for what the server asked (Retry-After) when that is longer, within a minute. */
    public void sleepBefore(int retry, Duration serverAsked) throws InterruptedException {
        Duration wait = delayBefore(retry);
        if (serverAsked != null && serverAsked.compareTo(wait) > 0 && !firstDelay.isZero()) {
            wait = serverAsked.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : serverAsked;
        }
        if (!wait.isZero()) {
            Thread.sleep(wait.toMillis());
        }
    }
}

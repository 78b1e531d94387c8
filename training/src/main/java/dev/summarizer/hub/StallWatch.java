package dev.summarizer.hub;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a response body on which no bytes have arrived for a while, so that the blocked read fails and the
 * download resumes on a new connection. The HTTP client's own timeout covers only the wait for the headers;
 * a stalled connection would otherwise block forever.
 */
final class StallWatch implements AutoCloseable {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "fetch-stall-watch");
        thread.setDaemon(true);
        return thread;
    });

    private final InputStream body;
    private final long limitNanos;
    private final ScheduledFuture<?> check;
    private volatile long lastProgressNanos = System.nanoTime();
    private volatile boolean fired;

    StallWatch(InputStream body, Duration limit) {
        this.body = body;
        this.limitNanos = limit.toNanos();
        long period = Math.max(10, limit.toMillis() / 4);
        this.check = TIMER.scheduleAtFixedRate(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    void progressed() {
        lastProgressNanos = System.nanoTime();
    }

    /** Whether the body was closed for stalling. */
    boolean fired() {
        return fired;
    }

    private void check() {
        if (System.nanoTime() - lastProgressNanos > limitNanos) {
            fired = true;
            check.cancel(false);
            try {
                body.close();
            } catch (IOException e) {
                // the read it unblocks reports the stall
            }
        }
    }

    @Override
    public void close() {
        check.cancel(false);
    }
}

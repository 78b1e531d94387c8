package dev.summarizer.runtime;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Waiting for a task whose result must be collected whatever happens to the waiting thread: a session or tokenizer
 * opened on another thread is native memory that only its result can close.
 */
public final class Futures {
    private Futures() {}

    /** The task's result, waiting on through interrupts; a thread interrupted meanwhile has its flag set again. */
    public static <T> T getUninterruptibly(Future<T> future) throws ExecutionException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

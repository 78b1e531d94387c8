package dev.summarizer.serving;

import dev.summarizer.generate.DecodingObserver;
import dev.summarizer.generate.DecodingSettings;
import dev.summarizer.generate.EncoderInput;
import dev.summarizer.generate.Summary;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Where the server's requests are decoded: {@link BatchScheduler} (static batches) or {@link ContinuousScheduler}. */
interface Scheduler extends AutoCloseable {
    /**
     * Queues a request's prepared texts and returns their summaries in order; cancelling the future gives the request
     * up. {@code stream}, when not null, sees the steps of a one-text greedy request. Throws a 503 {@link ApiException}
     * when the queue has no room or the server is shutting down.
     */
    CompletableFuture<List<Summary>> submit(List<EncoderInput> texts, DecodingSettings decoding, DecodingObserver stream);

    /** Whether anything is being decoded or waits to be. */
    boolean busy();

    /** Stops taking requests and waits up to {@code timeoutMillis} for those taken to finish; false if some did not. */
    boolean drain(long timeoutMillis) throws InterruptedException;

    /** Gives up whatever is still queued or decoding (503) and stops the worker, so the model can be closed. */
    @Override
    void close() throws InterruptedException;
}

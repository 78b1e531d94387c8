package dev.summarizer.serving;

import dev.summarizer.generate.ContinuousBatch;
import dev.summarizer.generate.DecodingObserver;
import dev.summarizer.generate.DecodingSettings;
import dev.summarizer.generate.EncoderInput;
import dev.summarizer.generate.Summarizer;
import dev.summarizer.generate.Summary;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * Continuous batching for the server: each text of a request decodes on a virtual thread of its own inside one
 * {@link ContinuousBatch}, joining the running batch at the next step there is room for its rows and leaving it when
 * its search ends, so a short summary never waits for a long one to end, nor, while texts wait for rows, queues behind
 * long ones ({@code AdmissionQueue}). Any settings share the batch (greedy texts, beam searches of any width, any
 * length limits), so no text waits for compatible company. A text whose step failed is
 * decoded again alone, on the summarizer's own path, so only a text at fault fails. Prompt lookup, whose passes feed
 * several tokens per row, cannot share a step with the others: those requests wait for company of their own in a static
 * batch ({@link BatchScheduler}) beside the continuous one.
 */
final class ContinuousScheduler implements Scheduler {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ContinuousScheduler.class);

    private final Summarizer summarizer;
    private final ContinuousBatch batch;
    private final ServerMetrics metrics;
    /** Where requests the continuous batch cannot take (prompt lookup) are batched. */
    private final BatchScheduler apart;
    /** Texts that may wait for room beyond those the batch holds. */
    private final int capacity;
    private int texts;
    private boolean closed;

    /** Takes ownership of {@code batch} and {@code apart}; {@code summarizer} stays the caller's. */
    ContinuousScheduler(Summarizer summarizer, ContinuousBatch batch, int capacity, ServerMetrics metrics,
            BatchScheduler apart) {
        this.summarizer = summarizer;
        this.batch = batch;
        this.apart = apart;
        this.capacity = capacity;
        this.metrics = metrics;
    }

    /** One request: its answers as they come, and whether it was given up. */
    private static final class Request {
        final Summary[] summaries;
        final DecodingObserver stream;
        final CompletableFuture<List<Summary>> result = new CompletableFuture<>();
        int left;

        Request(int texts, DecodingObserver stream) {
            this.summaries = new Summary[texts];
            this.left = texts;
            this.stream = stream;
        }

        boolean givenUp() {
            return result.isDone() || (stream != null && stream.cancelled());
        }

        synchronized void answer(int i, Summary summary) {
            summaries[i] = summary;
            if (--left == 0) {
                result.complete(Arrays.asList(summaries));
            }
        }
    }

    @Override
    public CompletableFuture<List<Summary>> submit(List<EncoderInput> inputs, DecodingSettings decoding,
            DecodingObserver stream) {
        if (decoding.promptLookupNumTokens() > 0) {
            return apart.submit(inputs, decoding, stream);
        }
        synchronized (this) {
            if (closed) {
                throw new ApiException(503, "shutting_down", "the server is shutting down", null);
            }
            if (texts + inputs.size() > capacity + batch.maxRows()) {
                throw new ApiException(503, "queue_full", "too many texts are waiting (" + capacity + "); retry shortly", null);
            }
            texts += inputs.size();
            metrics.queueDepth(Math.max(0, texts - batch.maxRows()));
        }
        Request request = new Request(inputs.size(), stream);
        for (int i = 0; i < inputs.size(); i++) {
            int index = i;
            Thread.ofVirtual().name("summarizer-text").start(() -> decode(request, index, inputs.get(index), decoding));
        }
        return request.result;
    }

    private void decode(Request request, int index, EncoderInput input, DecodingSettings decoding) {
        DecodingObserver observer = new DecodingObserver() {
            @Override
            public void onStep(long[] tokens, boolean[] finished) {
                if (request.stream != null) {
                    request.stream.onStep(tokens, finished);
                }
            }

            @Override
            public boolean cancelled() {
                return request.givenUp();
            }
        };
        try {
            Summary summary;
            try {
                summary = summarizer.summary(input, batch.generate(input, decoding, observer));
            } catch (ContinuousBatch.StepFailedException e) {
                if (request.givenUp()) {
                    return;
                }
                LOG.warn("a continuous batching step failed ({}); decoding its text alone", e.getCause().toString());
                summary = summarizer.summarize(List.of(input), decoding, observer).get(0);
            }
            metrics.generated(summary.tokenIds().length);
            request.answer(index, summary);
        } catch (CancellationException e) {
            request.result.completeExceptionally(closing()
                    ? new ApiException(503, "shutting_down", "the server is shutting down", null) : e);
        } catch (Exception | OutOfMemoryError e) {
            LOG.error("a request failed in the decoder", e);
            request.result.completeExceptionally(e);
        } finally {
            synchronized (this) {
                texts--;
                metrics.queueDepth(Math.max(0, texts - batch.maxRows()));
                notifyAll();
            }
        }
    }

    private synchronized boolean closing() {
        return closed;
    }

    /** Texts taken and not yet answered. */
    synchronized int texts() {
        return texts;
    }

    @Override
    public boolean busy() {
        synchronized (this) {
            if (texts > 0) {
                return true;
            }
        }
        return apart.busy();
    }

    @Override
    public boolean drain(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        synchronized (this) {
            closed = true;
            while (texts > 0) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return false;
                }
                wait(left);
            }
        }
        return apart.drain(Math.max(0, deadline - System.currentTimeMillis()));
    }

    /** Closes the batch: texts still waiting or decoding get 503, and its worker is joined. */
    @Override
    public void close() throws InterruptedException {
        synchronized (this) {
            closed = true;
        }
        try {
            batch.close();
        } catch (ai.onnxruntime.OrtException e) {
            LOG.warn("closing the continuous batch failed", e);
        }
        synchronized (this) {
            while (texts > 0) {
                wait();
            }
        }
        apart.close();
    }
}

package dev.summarizer.serving;

import dev.summarizer.generate.DecodingObserver;
import dev.summarizer.generate.DecodingSettings;
import dev.summarizer.generate.EncoderInput;

import dev.summarizer.generate.Summarizer;
import dev.summarizer.generate.Summary;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * Dynamic batching: requests wait in a bounded queue; one worker takes the oldest and, for up to
 * {@code maxWaitMillis}, adds later ones that decode alike (the same decoding settings; each text was prepared with
 * its own request's source settings) until {@code maxBatchSize} texts, then summarizes them together. ONNX Runtime already uses every core
 * on one batch, so one worker runs at a time. A batch stops early when every request in it has been given up
 * (timed out, or its client left).
 */
final class BatchScheduler implements Scheduler {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BatchScheduler.class);

    /** One request in the queue: its texts ready for the encoder, how to decode them, and where the answer goes. */
    static final class Pending {
        final List<EncoderInput> texts;
        final DecodingSettings decoding;
        final DecodingObserver stream;
        final CompletableFuture<List<Summary>> result = new CompletableFuture<>();
        final long arrivedNanos = System.nanoTime();

        Pending(List<EncoderInput> texts, DecodingSettings decoding, DecodingObserver stream) {
            this.texts = texts;
            this.decoding = decoding;
            this.stream = stream;
        }

        boolean givenUp() {
            return result.isDone() || (stream != null && stream.cancelled());
        }
    }

    /** How much longer a batch waits for the clients of a larger last batch to come back. */
    private static final int RETURN_WAIT_FACTOR = 5;

    private final Summarizer summarizer;
    private final int maxBatchSize;
    private final long maxWaitNanos;
    private int lastBatchTexts;
    private final int capacity;
    private final ServerMetrics metrics;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final Thread worker;
    private boolean closed;
    private int running;
    /** Tests: called before every decoding step with the batch's requests, on the worker thread. */
    volatile java.util.function.Consumer<List<Pending>> beforeStep = batch -> {};
    /** The batch being decoded, if any: what a shutdown past its timeout gives up. */
    private List<Pending> current = List.of();

    BatchScheduler(Summarizer summarizer, int maxBatchSize, long maxWaitMillis, int capacity, ServerMetrics metrics) {
        this.summarizer = summarizer;
        this.maxBatchSize = maxBatchSize;
        this.maxWaitNanos = maxWaitMillis * 1_000_000;
        this.capacity = capacity;
        this.metrics = metrics;
        this.worker = Thread.ofPlatform().name("summarizer-batcher").daemon().start(this::work);
    }

    /**
     * Queues a request's texts, in parts of at most {@code maxBatchSize} (each part joins whatever batch suits it), and
     * returns the summaries of all of them in order. Cancelling the returned future gives up every part; a part that
     * fails fails the request and gives up the others. 503 when the queue has no room for all parts or the server is
     * shutting down.
     */
    @Override
    public CompletableFuture<List<Summary>> submit(List<EncoderInput> texts, DecodingSettings decoding, DecodingObserver stream) {
        List<Pending> parts = new ArrayList<>();
        for (int start = 0; start < texts.size(); start += maxBatchSize) {
            parts.add(new Pending(texts.subList(start, Math.min(texts.size(), start + maxBatchSize)), decoding, stream));
        }
        synchronized (this) {
            if (closed) {
                throw new ApiException(503, "shutting_down", "the server is shutting down", null);
            }
            if (queue.size() + parts.size() > capacity) {
                throw new ApiException(503, "queue_full", "too many requests are waiting (" + capacity + "); retry shortly", null);
            }
            queue.addAll(parts);
            metrics.queueDepth(queue.size());
            notifyAll();
        }
        return parts.size() == 1 ? parts.get(0).result : joined(parts);
    }

    private static CompletableFuture<List<Summary>> joined(List<Pending> parts) {
        CompletableFuture<List<Summary>> all = new CompletableFuture<>();
        for (Pending part : parts) {
            part.result.whenComplete((summaries, failure) -> {
                if (failure != null) {
                    all.completeExceptionally(failure);
                } else if (parts.stream().allMatch(p -> p.result.isDone() && !p.result.isCompletedExceptionally())) {
                    List<Summary> joined = new ArrayList<>();
                    parts.forEach(p -> joined.addAll(p.result.join()));
                    all.complete(joined);
                }
            });
        }
        all.whenComplete((summaries, failure) -> {
            if (failure != null) {
                parts.forEach(p -> p.result.cancel(false));
            }
        });
        return all;
    }

    @Override
    public synchronized boolean busy() {
        return running > 0 || !queue.isEmpty();
    }

    private void work() {
        while (true) {
            List<Pending> batch;
            try {
                batch = nextBatch();
            } catch (InterruptedException e) {
                return;
            }
            if (batch == null) {
                return;
            }
            try {
                run(batch);
            } finally {
                synchronized (this) {
                    running = 0;
                    current = List.of();
                    notifyAll();
                }
            }
        }
    }

    /** The oldest live request and the compatible ones that arrive within the wait; null once closed and empty. */
    private synchronized List<Pending> nextBatch() throws InterruptedException {
        Pending first = null;
        while (first == null) {
            while (queue.isEmpty()) {
                if (closed) {
                    return null;
                }
                wait();
            }
            first = queue.pollFirst();
            if (first.givenUp()) {
                first = null;
            }
        }
        List<Pending> batch = new ArrayList<>(List.of(first));
        int texts = first.texts.size();
        // The wait counts from when the worker is free, not from when the oldest request came, and it is longer
        // while fewer texts wait than the last batch had: clients answered together come back tens of
        // milliseconds apart on a busy machine, and starting without them splits them into two half batches
        // that then alternate for good (measured: 8 closed-loop clients ran in batches of 4.3 with a 10 ms
        // wait from arrival). A lone client still waits only maxWait.
        long free = System.nanoTime();
        // Streaming requests decode alone; the others gather compatible company.
        while (first.stream == null && texts < maxBatchSize) {
            for (Iterator<Pending> it = queue.iterator(); it.hasNext() && texts < maxBatchSize; ) {
                Pending p = it.next();
                if (p.givenUp()) {
                    it.remove();
                } else if (p.stream == null && p.decoding.equals(first.decoding) && texts + p.texts.size() <= maxBatchSize) {
                    it.remove();
                    batch.add(p);
                    texts += p.texts.size();
                }
            }
            long allowed = texts < Math.min(lastBatchTexts, maxBatchSize) ? RETURN_WAIT_FACTOR * maxWaitNanos : maxWaitNanos;
            long left = free + allowed - System.nanoTime();
            if (texts >= maxBatchSize || left <= 0 || closed) {
                break;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        metrics.queueDepth(queue.size());
        running = batch.size();
        current = batch;
        lastBatchTexts = texts;
        return batch;
    }

    private void run(List<Pending> batch) {
        List<EncoderInput> texts = new ArrayList<>();
        for (Pending p : batch) {
            texts.addAll(p.texts);
        }
        DecodingObserver stream = batch.size() == 1 ? batch.get(0).stream : null;
        DecodingObserver observer = new DecodingObserver() {
            @Override
            public void onStep(long[] tokens, boolean[] finished) {
                if (stream != null) {
                    stream.onStep(tokens, finished);
                }
            }

            @Override
            public boolean cancelled() {
                beforeStep.accept(batch);
                metrics.step(texts.size() * batch.get(0).decoding.numBeams());
                return batch.stream().allMatch(Pending::givenUp);
            }
        };
        long start = System.nanoTime();
        for (Pending p : batch) {
            for (int i = 0; i < p.texts.size(); i++) {
                metrics.queueWait(start - p.arrivedNanos);
            }
        }
        metrics.decoding(texts.size());
        try {
            List<Summary> summaries = summarizer.summarize(texts, batch.get(0).decoding, observer);
            long tokens = summaries.stream().mapToLong(s -> s.tokenIds().length).sum();
            metrics.batch(texts.size(), tokens, (System.nanoTime() - start) / 1e9);
            int offset = 0;
            for (Pending p : batch) {
                p.result.complete(summaries.subList(offset, offset + p.texts.size()));
                offset += p.texts.size();
            }
        } catch (CancellationException e) {
            LOG.info("stopped a batch of {} texts: every request in it was given up", texts.size());
            metrics.batchStopped();
            batch.forEach(p -> p.result.completeExceptionally(e));
        } catch (Exception | OutOfMemoryError e) {
            if (batch.size() > 1) {
                // One request must not fail its batch-mates: decode each alone, so only the one at fault fails.
                LOG.warn("a batch of {} requests failed ({}); decoding them one by one", batch.size(), e.toString());
                batch.stream().filter(p -> !p.givenUp()).forEach(p -> run(List.of(p)));
            } else {
                LOG.error("a request failed in the decoder", e);
                batch.get(0).result.completeExceptionally(e);
            }
        } finally {
            metrics.decoding(0);
        }
    }

    /** Stops taking requests and waits up to {@code timeoutMillis} for the queued and running ones to finish. */
    @Override
    public synchronized boolean drain(long timeoutMillis) throws InterruptedException {
        closed = true;
        notifyAll();
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!queue.isEmpty() || running > 0) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    /**
     * Stops the worker: what is still queued or decoding (after a drain that timed out) gets 503, which also stops
     * the running batch at its next step, and the worker thread is joined, so the model it decodes with can be closed
     * safely afterwards.
     */
    @Override
    public void close() throws InterruptedException {
        synchronized (this) {
            closed = true;
            ApiException shuttingDown = new ApiException(503, "shutting_down", "the server is shutting down", null);
            queue.forEach(p -> p.result.completeExceptionally(shuttingDown));
            current.forEach(p -> p.result.completeExceptionally(shuttingDown));
            queue.clear();
            notifyAll();
        }
        worker.join();
    }
}

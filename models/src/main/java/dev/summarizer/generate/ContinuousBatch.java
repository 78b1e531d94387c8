package dev.summarizer.generate;

import static dev.summarizer.export.OptimumLayout.ENCODER_ATTENTION_MASK;
import static dev.summarizer.export.OptimumLayout.INPUT_IDS;
import static dev.summarizer.export.OptimumLayout.pastName;
import static dev.summarizer.export.OptimumLayout.presentName;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.summarizer.export.RowwiseDecoderGraphs;
import dev.summarizer.export.quantize.QuantizationSpec;
import dev.summarizer.model.T5Config;
import dev.summarizer.model.T5Weights;
import dev.summarizer.runtime.Device;
import dev.summarizer.runtime.NativeResources;
import dev.summarizer.runtime.Sessions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Continuous (iteration-level) batching: texts decode together in one running batch of decoder rows, which they join
 * (after their own encoder pass) and leave between any two steps, up to {@code maxRows} rows; a beam search is a group
 * of rows whose reordering stays inside the group. Texts waiting for room join in {@link AdmissionQueue}'s order.
 *
 * <p>Each text's search, {@link GreedySearch} or {@link BeamSearch} exactly as a batch of that text alone runs it,
 * runs on the caller's thread over a scorer of its own ({@link Member}); the scorer hands its tokens to this batch
 * and waits, and one worker thread runs a decoder step for every row once each running text has handed in its next
 * tokens or left. So every text gets the ids it gets alone, whatever it is batched with and whenever it joined: the
 * rows share nothing but the matrix products. The step is {@link RowwiseDecoderGraphs#step}: self-attention caches are
 * right-aligned, each row masking the slots before its own history; slots every row masks are dropped.
 */
public final class ContinuousBatch implements AutoCloseable {
    /** What the batch reports of each step, for metrics and tests; called on the worker thread. */
    public interface StepListener {
        StepListener NONE = new StepListener() {};

        /** Before a step over {@code rows} rows of {@code texts} texts; an exception thrown here fails the step. */
        default void beforeStep(int rows, int texts) {}

        default void afterStep(int rows, int texts, long nanos) {}

        /**
         * A text joins the batch (its encoder pass is next), having waited {@code waitedNanos} for room; an exception
         * thrown here fails that text.
         */
        default void joined(long waitedNanos) {}
    }

    /** A decoder step failed; every text in it got this. Each may be decoded again on its own. */
    public static final class StepFailedException extends RuntimeException {
        StepFailedException(Throwable cause) {
            super("a continuous batching step failed: " + cause, cause);
        }
    }

    private final OnnxSeq2SeqModel model;
    private final RowwiseDecoder decoder;
    private final BeamCandidates beamCandidates;
    private final T5Config config;
    private final SpecialTokens special;
    private final int maxRows;
    private final StepListener listener;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workerWakes = lock.newCondition();
    /** Texts that handed in their first tokens and wait for room. Guarded by lock. */
    private final AdmissionQueue<Member> waiting = new AdmissionQueue<>();
    /** Texts in the batch, in row order. Guarded by lock. */
    private final List<Member> running = new ArrayList<>();
    private boolean closed;
    private long steps;
    private final Thread worker;

    // The worker's own state.
    private final CrossAttentionRows cross;
    private final FloatBuffer logits;
    /** The last step's result, which holds the self-attention caches the next step reads; null before the first. */
    private OrtSession.Result lastStep;
    /** Slots in those caches (their axis 2), and how many rows they have. */
    private int slots;
    private int cachedRows;
    /** Whether texts left or joined since the cross-attention rows were laid out. */
    private boolean layoutStale = true;

    private ContinuousBatch(OnnxSeq2SeqModel model, RowwiseDecoder decoder, BeamCandidates beamCandidates, int maxRows,
            StepListener listener) {
        this.model = model;
        this.decoder = decoder;
        this.beamCandidates = beamCandidates;
        this.config = model.config();
        this.special = SpecialTokens.of(config);
        this.maxRows = maxRows;
        this.listener = listener;
        this.cross = new CrossAttentionRows(config);
        this.logits = ByteBuffer.allocateDirect(Math.multiplyExact(4 * maxRows, config.vocabSize()))
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        this.worker = Thread.ofPlatform().name("summarizer-continuous-batch").daemon().start(this::work);
    }

    /**
     * A batch over {@code model}'s encoder and a row-wise decoder built from {@code weights} (the same model's, quantized
     * with {@code quantization} unless null, as the folder's files of that dtype are). The model stays the caller's and
     * must outlive the batch; the weights are not kept.
     */
    public static ContinuousBatch open(OnnxSeq2SeqModel model, T5Weights weights, QuantizationSpec quantization,
            Device device, int threads, int maxRows, StepListener listener) throws OrtException {
        if (maxRows < 1) {
            throw new IllegalArgumentException("a batch needs at least one row, got " + maxRows);
        }
        try (NativeResources opened = new NativeResources()) {
            RowwiseDecoder decoder = opened.add(RowwiseDecoder.open(weights, quantization, device, threads, model.timer()));
            BeamCandidates candidates = opened.add(new BeamCandidates(model.config().vocabSize(), model.timer()));
            ContinuousBatch batch = new ContinuousBatch(model, decoder, candidates, maxRows, listener);
            opened.handOver();
            return batch;
        }
    }

    public int maxRows() {
        return maxRows;
    }

    /** Decoder steps run so far. */
    public long steps() {
        lock.lock();
        try {
            return steps;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Decodes one prepared text in the running batch and returns its generated ids (after the decoder start, up to and
     * including EOS): what {@link Summarizer#generate} gives that text alone. Blocks the calling thread, which runs the
     * text's search; many threads call this at once.
     *
     * @throws InvalidSettingException when the text needs more rows (beams) than the batch has
     * @throws IllegalArgumentException for prompt lookup, whose passes feed several tokens per row (decode those with
     *     {@link Summarizer})
     * @throws StepFailedException when a step this text was in failed
     * @throws CancellationException when the observer gave up, or the batch was closed
     */
    public long[] generate(EncoderInput input, DecodingSettings settings, DecodingObserver observer) throws OrtException {
        if (settings.promptLookupNumTokens() > 0) {
            throw new IllegalArgumentException("prompt lookup decodes outside a continuous batch");
        }
        if (settings.numBeams() > maxRows) {
            throw new InvalidSettingException("num_beams",
                    "must be at most the batch's " + maxRows + " rows (--max-batch-size), got " + settings.numBeams());
        }
        try (Member member = new Member(input.ids(), settings.numBeams(), settings.maxNewTokens(), observer)) {
            long[][] ids = settings.numBeams() == 1
                    ? GreedySearch.run(member, 1, settings, special, observer)
                    : BeamSearch.run(member, 1, settings, special, observer);
            return ids[0];
        }
    }

    /**
     * One text's rows in the batch, and its search's scorer: each call hands its tokens to the batch and waits for the
     * step. Fields are guarded by the batch's lock, except those only the worker touches.
     */
    private final class Member implements TokenScorer {
        final long[] inputIds;
        final int rows;
        /** Decoder steps it may take at most. */
        final int maxSteps;
        final DecodingObserver observer;
        /** When it first handed in tokens, and so began to wait for room; and how long it waited. */
        long queuedNanos;
        long waitedNanos;
        final Condition answered = lock.newCondition();
        // Handed in by the search.
        long[] tokens;
        int[] parents;
        boolean submitted;
        boolean queued;
        boolean left;
        // Written by the worker.
        boolean hasAnswer;
        RuntimeException failure;
        FloatBuffer rowLogits;
        /** First row in the batch; -1 until the text joins. */
        int offset = -1;
        /** Slots of its own history in the self-attention caches (steps taken). */
        int history;
        float[][] crossKeyValues;
        int encoderLength;
        int nextOffset;

        Member(long[] inputIds, int rows, int maxSteps, DecodingObserver observer) {
            this.inputIds = inputIds;
            this.rows = rows;
            this.maxSteps = maxSteps;
            this.observer = observer;
        }

        @Override
        public Logits next(long[] stepTokens, int[] stepParents) {
            lock.lock();
            try {
                if (closed && failure == null) {
                    throw new CancellationException("the batch is closed");
                }
                tokens = stepTokens.clone();
                parents = stepParents == null ? null : stepParents.clone();
                submitted = true;
                hasAnswer = false;
                if (!queued) {
                    queued = true;
                    queuedNanos = System.nanoTime();
                    waiting.add(this, queuedNanos, maxSteps);
                }
                workerWakes.signal();
                while (!hasAnswer && failure == null) {
                    answered.awaitUninterruptibly();
                }
                if (failure != null) {
                    throw failure;
                }
                return new Logits(rowLogits, rows, config.vocabSize());
            } finally {
                lock.unlock();
            }
        }

        @Override
        public Continuations bestContinuations(long[] stepTokens, int[] stepParents, float[] runningScores,
                long[][] banned, int beams, int k) throws OrtException {
            next(stepTokens, stepParents);
            try (OnnxTensor view = OnnxTensor.createTensor(Sessions.environment(), rowLogits,
                    new long[] {rows, 1, config.vocabSize()})) {
                return beamCandidates.choose(view, rows, runningScores, banned, beams, k);
            }
        }

        /** Prompt lookup's passes of several tokens per row do not fit a step that every row shares; not taken here. */
        @Override
        public Logits next(long[][] stepTokens) {
            throw new UnsupportedOperationException("continuous batching feeds one token per row and step");
        }

        @Override
        public void forget(int positions) {
            throw new UnsupportedOperationException("continuous batching feeds one token per row and step");
        }

        /** Leaves the batch: its rows go before the next step. */
        @Override
        public void close() {
            lock.lock();
            try {
                left = true;
                waiting.remove(this);
                workerWakes.signal();
            } finally {
                lock.unlock();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The worker

    private void work() {
        while (true) {
            List<Member> stepping;
            List<Member> joining = new ArrayList<>();
            lock.lock();
            try {
                layoutStale |= running.removeIf(m -> m.left);
                while (!closed && !readyToStep()) {
                    workerWakes.awaitUninterruptibly();
                    layoutStale |= running.removeIf(m -> m.left);
                }
                if (closed) {
                    break;
                }
                int rows = running.stream().mapToInt(m -> m.rows).sum();
                // In the queue's order, and no overtaking: a beam search that waits for room is not starved by
                // narrower texts.
                long now = System.nanoTime();
                while (!waiting.isEmpty() && rows + waiting.peek(now).rows <= maxRows) {
                    Member m = waiting.poll(now);
                    if (m.observer.cancelled()) {
                        // Given up while it waited (a timeout, a client gone): it never takes a row.
                        m.failure = new CancellationException("decoding cancelled");
                        m.answered.signal();
                        continue;
                    }
                    joining.add(m);
                    rows += m.rows;
                    m.waitedNanos = now - m.queuedNanos;
                }
                stepping = new ArrayList<>(running);
            } finally {
                lock.unlock();
            }
            for (Member m : joining) {
                if (encode(m)) {
                    stepping.add(m);
                    layoutStale = true;
                }
            }
            if (!stepping.isEmpty()) {
                runStep(stepping);
            }
        }
        try {
            NativeResources.closeAll(lastStep, cross);
        } catch (OrtException e) {
            // Closing: nothing left to tell.
        }
        lastStep = null;
    }

    /** Every running text has handed in its tokens, and there is something to step. Holds the lock. */
    private boolean readyToStep() {
        for (Member m : running) {
            if (!m.submitted) {
                return false;
            }
        }
        return !running.isEmpty() || !waiting.isEmpty();
    }

    /** A joining text's encoder pass and cross keys and values; false (and the text told) when it failed. */
    private boolean encode(Member m) {
        try {
            listener.joined(m.waitedNanos);
            float[] hidden = model.encode(m.inputIds);
            m.crossKeyValues = decoder.crossKeyValues(hidden, m.inputIds.length);
            m.encoderLength = m.inputIds.length;
            return true;
        } catch (Exception | OutOfMemoryError e) {
            fail(List.of(m), e);
            return false;
        }
    }

    private void runStep(List<Member> stepping) {
        int rows = stepping.stream().mapToInt(m -> m.rows).sum();
        long start = System.nanoTime();
        try {
            listener.beforeStep(rows, stepping.size());
            step(stepping, rows);
        } catch (Exception | OutOfMemoryError e) {
            fail(stepping, e);
            dropCaches();
            return;
        }
        listener.afterStep(rows, stepping.size(), System.nanoTime() - start);
        lock.lock();
        try {
            steps++;
            running.clear();
            running.addAll(stepping);
            for (Member m : stepping) {
                m.submitted = false;
                m.hasAnswer = true;
                m.answered.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Lays the rows out (the running texts in their order, then the joining ones), regathers the self-attention
     * caches when rows moved, joined or slots can go, and runs the step.
     */
    private void step(List<Member> stepping, int rows) throws OrtException {
        long[] sourceRows = new long[rows];
        int[] history = new int[rows];
        long[] tokens = new long[rows];
        int row = 0;
        boolean moved = rows != cachedRows;
        for (Member m : stepping) {
            m.nextOffset = row;
            for (int j = 0; j < m.rows; j++, row++) {
                if (m.offset >= 0) {
                    sourceRows[row] = m.offset + (m.parents == null ? j : m.parents[j]);
                    history[row] = m.history;
                } else {
                    sourceRows[row] = 0; // any row will do: a joining row masks every cached slot
                    history[row] = 0;
                }
                moved |= sourceRows[row] != row;
                tokens[row] = m.tokens[j];
            }
        }
        int droppable = slots;
        for (int r = 0; r < rows; r++) {
            droppable = Math.min(droppable, slots - history[r]);
        }
        int kept = slots - droppable;

        int layers = config.numDecoderLayers();
        List<OnnxTensor> selfCaches = new ArrayList<>();
        try (NativeResources stepOwned = new NativeResources()) {
            if (kept == 0) {
                for (int c = 0; c < 2 * layers; c++) {
                    selfCaches.add(stepOwned.add(OnnxTensor.createTensor(Sessions.environment(), FloatBuffer.allocate(0),
                            new long[] {rows, config.numHeads(), 0, config.dKv()})));
                }
            } else {
                List<OnnxTensor> cached = new ArrayList<>();
                for (int i = 0; i < layers; i++) {
                    cached.add(output(lastStep, presentName(i, false, false)));
                    cached.add(output(lastStep, presentName(i, false, true)));
                }
                if (moved || droppable > 0) {
                    OrtSession.Result regathered = stepOwned.add(decoder.regather(cached, sourceRows, droppable));
                    for (int c = 0; c < 2 * layers; c++) {
                        selfCaches.add(output(regathered, DecodingHelperGraphs.cacheOutput(c)));
                    }
                } else {
                    selfCaches = cached;
                }
            }
            if (layoutStale) {
                List<CrossAttentionRows.Text> texts = new ArrayList<>();
                for (Member m : stepping) {
                    texts.add(new CrossAttentionRows.Text(m.crossKeyValues, m.encoderLength, m.nextOffset, m.rows));
                }
                cross.layOut(texts, rows);
                layoutStale = false;
            }
            long[] selfMask = new long[rows * (kept + 1)];
            for (int r = 0; r < rows; r++) {
                for (int s = kept - history[r]; s <= kept; s++) {
                    selfMask[r * (kept + 1) + s] = 1;
                }
            }
            Map<String, OnnxTensor> inputs = new HashMap<>();
            inputs.put(INPUT_IDS, stepOwned.add(longTensor(tokens, rows, 1)));
            inputs.put(RowwiseDecoderGraphs.DECODER_ATTENTION_MASK, stepOwned.add(longTensor(selfMask, rows, kept + 1)));
            inputs.put(ENCODER_ATTENTION_MASK, cross.mask());
            for (int i = 0; i < layers; i++) {
                inputs.put(pastName(i, false, false), selfCaches.get(2 * i));
                inputs.put(pastName(i, false, true), selfCaches.get(2 * i + 1));
                inputs.put(pastName(i, true, false), cross.cache(2 * i));
                inputs.put(pastName(i, true, true), cross.cache(2 * i + 1));
            }
            int vocab = config.vocabSize();
            OnnxTensor logitsOut = stepOwned.add(OnnxTensor.createTensor(Sessions.environment(),
                    logits.slice(0, rows * vocab), new long[] {rows, 1, vocab}));
            OrtSession.Result result = decoder.step(inputs, logitsOut);
            if (lastStep != null) {
                stepOwned.add(lastStep);
            }
            lastStep = result;
        }
        slots = kept + 1;
        cachedRows = rows;
        int vocab = config.vocabSize();
        for (Member m : stepping) {
            m.offset = m.nextOffset;
            m.history++;
            m.rowLogits = logits.slice(m.offset * vocab, m.rows * vocab);
        }
    }

    /** Fails {@code members}: each gets the failure at its next call, and leaves the batch. */
    private void fail(List<Member> members, Throwable cause) {
        RuntimeException failure = cause instanceof CancellationException c ? c : new StepFailedException(cause);
        lock.lock();
        try {
            running.removeAll(members);
            for (Member m : members) {
                m.failure = failure;
                m.answered.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** After a failed step, whose texts have all left: the caches go, and the next step starts them afresh. */
    private void dropCaches() {
        try {
            NativeResources.closeAll(lastStep);
            cross.reset();
        } catch (OrtException e) {
            // The state is dropped either way.
        }
        lastStep = null;
        slots = 0;
        cachedRows = 0;
        layoutStale = true;
    }

    private static OnnxTensor longTensor(long[] values, long... shape) throws OrtException {
        return OnnxTensor.createTensor(Sessions.environment(), LongBuffer.wrap(values), shape);
    }

    private static OnnxTensor output(OrtSession.Result result, String name) {
        return (OnnxTensor) result.get(name).orElseThrow(() -> new IllegalStateException("no output " + name));
    }

    /**
     * Stops the batch: texts waiting or running get a {@link CancellationException} at their next call, and the worker
     * is joined. The summarizer the batch was opened over is the caller's to close afterwards.
     */
    @Override
    public void close() throws OrtException {
        lock.lock();
        try {
            closed = true;
            CancellationException stop = new CancellationException("the batch is closed");
            for (Member m : waiting.clear()) {
                m.failure = stop;
                m.answered.signal();
            }
            for (Member m : running) {
                m.failure = stop;
                m.answered.signal();
            }
            workerWakes.signal();
        } finally {
            lock.unlock();
        }
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        NativeResources.closeAll(decoder, beamCandidates);
    }
}

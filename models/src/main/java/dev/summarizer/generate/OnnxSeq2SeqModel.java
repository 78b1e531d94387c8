package dev.summarizer.generate;

import static dev.summarizer.export.OptimumLayout.ATTENTION_MASK;
import static dev.summarizer.export.OptimumLayout.ENCODER_ATTENTION_MASK;
import static dev.summarizer.export.OptimumLayout.ENCODER_HIDDEN_STATES;
import static dev.summarizer.export.OptimumLayout.INPUT_IDS;
import static dev.summarizer.export.OptimumLayout.LAST_HIDDEN_STATE;
import static dev.summarizer.export.OptimumLayout.LOGITS;
import static dev.summarizer.export.OptimumLayout.USE_CACHE_BRANCH;
import static dev.summarizer.export.OptimumLayout.pastName;
import static dev.summarizer.export.OptimumLayout.presentName;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.summarizer.export.OptimumLayout;
import dev.summarizer.model.T5Config;
import dev.summarizer.runtime.Device;
import dev.summarizer.runtime.Sessions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An exported model's ONNX sessions: the encoder, and the decoder either as the first-step and cached-step
 * files ({@link DecoderMode#SEPARATE}) or as the merged file ({@link DecoderMode#MERGED}). Thread-safe: ONNX
 * Runtime sessions may run concurrently, and each decoding keeps its state in its own {@link TokenScorer}.
 */
public final class OnnxSeq2SeqModel implements AutoCloseable {
    /** Which decoder files run the loop. */
    public enum DecoderMode {
        /** decoder_model.onnx for the first step, decoder_with_past_model.onnx after. */
        SEPARATE,
        /** decoder_model_merged.onnx for every step. */
        MERGED
    }

    private final OrtEnvironment env = Sessions.environment();
    private final T5Config config;
    private final DecoderMode mode;
    private final OrtSession encoder;
    private final OrtSession firstStep;
    private final OrtSession cachedStep;
    private final RunTimer timer;

    private OnnxSeq2SeqModel(T5Config config, DecoderMode mode, OrtSession encoder, OrtSession firstStep,
            OrtSession cachedStep, RunTimer timer) {
        this.config = config;
        this.mode = mode;
        this.encoder = encoder;
        this.firstStep = firstStep;
        this.cachedStep = cachedStep;
        this.timer = timer;
    }

    /** Opens {@code modelDir/onnx/}'s sessions. {@code threads} 0 lets ONNX Runtime use every core. */
    public static OnnxSeq2SeqModel open(Path modelDir, T5Config config, Device device, int threads, DecoderMode mode)
            throws OrtException {
        Path onnx = modelDir.resolve(OptimumLayout.ONNX_FOLDER);
        OrtSession encoder = null;
        OrtSession first = null;
        try {
            encoder = Sessions.open(onnx.resolve(OptimumLayout.ENCODER_FILE), device, threads);
            if (mode == DecoderMode.MERGED) {
                first = Sessions.open(onnx.resolve(OptimumLayout.DECODER_MERGED_FILE), device, threads);
                return new OnnxSeq2SeqModel(config, mode, encoder, first, first, new RunTimer());
            }
            first = Sessions.open(onnx.resolve(OptimumLayout.DECODER_FILE), device, threads);
            OrtSession cached = Sessions.open(onnx.resolve(OptimumLayout.DECODER_WITH_PAST_FILE), device, threads);
            return new OnnxSeq2SeqModel(config, mode, encoder, first, cached, new RunTimer());
        } catch (OrtException | RuntimeException e) {
            closeQuietly(encoder);
            closeQuietly(first);
            throw e;
        }
    }

    private static void closeQuietly(OrtSession session) {
        if (session != null) {
            try {
                session.close();
            } catch (OrtException ignored) {
                // already failing; the first error is the one to report
            }
        }
    }

    public T5Config config() {
        return config;
    }

    /** Nanoseconds spent inside ONNX Runtime's run calls so far (for benchmarks). */
    public RunTimer timer() {
        return timer;
    }

    /**
     * Encodes a padded batch and returns a decoder over {@code copies} rows per input (beam search's beams),
     * row {@code b * copies + j} for copy j of input b.
     */
    public TokenScorer startDecoding(long[][] inputIds, long[][] attentionMask, int copies) throws OrtException {
        int batch = inputIds.length;
        int length = inputIds[0].length;
        long[] expandedMask = new long[batch * copies * length];
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < copies; j++) {
                System.arraycopy(attentionMask[b], 0, expandedMask, (b * copies + j) * length, length);
            }
        }
        float[] hidden;
        try (OnnxTensor ids = longTensor(flatten(inputIds), batch, length);
                OnnxTensor mask = longTensor(flatten(attentionMask), batch, length);
                OrtSession.Result out = timer.run(encoder, Map.of(INPUT_IDS, ids, ATTENTION_MASK, mask))) {
            hidden = copy(((OnnxTensor) out.get(LAST_HIDDEN_STATE).orElseThrow()).getFloatBuffer());
        }
        int rowSize = length * config.dModel();
        FloatBuffer expanded = directFloats((long) batch * copies * rowSize);
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < copies; j++) {
                expanded.put(hidden, b * rowSize, rowSize);
            }
        }
        expanded.rewind();
        OnnxTensor encoderHidden = OnnxTensor.createTensor(env, expanded, new long[] {batch * copies, length, config.dModel()});
        OnnxTensor encoderMask = longTensor(expandedMask, batch * copies, length);
        return new Decoding(encoderHidden, encoderMask, batch * copies);
    }

    private OnnxTensor longTensor(long[] values, long... shape) throws OrtException {
        return OnnxTensor.createTensor(env, LongBuffer.wrap(values), shape);
    }

    private static long[] flatten(long[][] rows) {
        int width = rows[0].length;
        long[] flat = new long[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * width, width);
        }
        return flat;
    }

    private static float[] copy(FloatBuffer buffer) {
        float[] values = new float[buffer.remaining()];
        buffer.get(values);
        return values;
    }

    private static FloatBuffer directFloats(long count) {
        return ByteBuffer.allocateDirect(Math.toIntExact(4 * count)).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    @Override
    public void close() throws OrtException {
        encoder.close();
        firstStep.close();
        if (cachedStep != firstStep) {
            cachedStep.close();
        }
    }

    /** One decoding's state: the encoder output it attends to and every layer's cache so far. */
    private final class Decoding implements TokenScorer {
        private final OnnxTensor encoderHidden;
        private final OnnxTensor encoderMask;
        private final int rows;
        /** The first step's outputs; its cross-attention caches stay in use for the whole decoding. */
        private OrtSession.Result firstResult;
        /** The latest step's outputs, whose self-attention caches the next step reads. */
        private OrtSession.Result lastResult;
        /** Self-attention caches built by reordering rows for beam search; closed after the step that reads them. */
        private final List<OnnxTensor> reordered = new ArrayList<>();
        private final List<OnnxTensor> emptyCaches = new ArrayList<>();

        Decoding(OnnxTensor encoderHidden, OnnxTensor encoderMask, int rows) {
            this.encoderHidden = encoderHidden;
            this.encoderMask = encoderMask;
            this.rows = rows;
        }

        @Override
        public float[][] next(long[] tokens, int[] parents) throws OrtException {
            Map<String, OnnxTensor> inputs = new HashMap<>();
            inputs.put(ENCODER_ATTENTION_MASK, encoderMask);
            inputs.put(ENCODER_HIDDEN_STATES, encoderHidden);
            try (OnnxTensor ids = longTensor(tokens.clone(), rows, 1);
                    OnnxTensor useCache = OnnxTensor.createTensor(env, new boolean[] {firstResult != null})) {
                inputs.put(INPUT_IDS, ids);
                OrtSession session;
                if (firstResult == null) {
                    session = firstStep;
                    if (mode == DecoderMode.MERGED) {
                        inputs.put(USE_CACHE_BRANCH, useCache);
                        addEmptyCaches(inputs);
                    }
                } else {
                    session = cachedStep;
                    if (mode == DecoderMode.MERGED) {
                        inputs.put(USE_CACHE_BRANCH, useCache);
                    }
                    addCaches(inputs, parents);
                }
                OrtSession.Result result = timer.run(session, inputs);
                float[][] logits = lastPositionLogits(result);
                releaseAfterStep(result);
                return logits;
            }
        }

        private void addEmptyCaches(Map<String, OnnxTensor> inputs) throws OrtException {
            for (int i = 0; i < config.numDecoderLayers(); i++) {
                for (boolean cross : new boolean[] {false, true}) {
                    for (boolean value : new boolean[] {false, true}) {
                        OnnxTensor empty = OnnxTensor.createTensor(env, FloatBuffer.allocate(0),
                                new long[] {rows, config.numHeads(), 0, config.dKv()});
                        emptyCaches.add(empty);
                        inputs.put(pastName(i, cross, value), empty);
                    }
                }
            }
        }

        /**
         * The caches for a cached step: the cross-attention ones from the first step (beams of one input share
         * them, so beam reordering leaves them as they are) and the self-attention ones from the last step,
         * rows reordered when {@code parents} is not the identity.
         */
        private void addCaches(Map<String, OnnxTensor> inputs, int[] parents) throws OrtException {
            boolean identity = isIdentity(parents);
            for (int i = 0; i < config.numDecoderLayers(); i++) {
                for (boolean value : new boolean[] {false, true}) {
                    inputs.put(pastName(i, true, value), output(firstResult, presentName(i, true, value)));
                    OnnxTensor self = output(lastResult, presentName(i, false, value));
                    if (!identity) {
                        self = reorderRows(self, parents);
                        reordered.add(self);
                    }
                    inputs.put(pastName(i, false, value), self);
                }
            }
        }

        private OnnxTensor reorderRows(OnnxTensor cache, int[] parents) throws OrtException {
            long[] shape = cache.getInfo().getShape();
            float[] values = copy(cache.getFloatBuffer());
            int rowSize = values.length / rows;
            FloatBuffer out = directFloats(values.length);
            for (int parent : parents) {
                out.put(values, parent * rowSize, rowSize);
            }
            out.rewind();
            return OnnxTensor.createTensor(env, out, shape);
        }

        private float[][] lastPositionLogits(OrtSession.Result result) throws OrtException {
            OnnxTensor logits = output(result, LOGITS);
            long[] shape = logits.getInfo().getShape();
            int positions = (int) shape[1];
            int vocab = (int) shape[2];
            FloatBuffer all = logits.getFloatBuffer();
            float[][] out = new float[rows][vocab];
            for (int r = 0; r < rows; r++) {
                all.position((r * positions + positions - 1) * vocab);
                all.get(out[r]);
            }
            return out;
        }

        /** Keeps the first step's result (its cross caches) and the latest one; closes what no step needs any more. */
        private void releaseAfterStep(OrtSession.Result result) {
            if (firstResult == null) {
                firstResult = result;
            } else if (lastResult != firstResult && lastResult != null) {
                lastResult.close();
            }
            lastResult = result;
            for (OnnxTensor t : reordered) {
                t.close();
            }
            reordered.clear();
            for (OnnxTensor t : emptyCaches) {
                t.close();
            }
            emptyCaches.clear();
        }

        @Override
        public void close() {
            if (lastResult != null && lastResult != firstResult) {
                lastResult.close();
            }
            if (firstResult != null) {
                firstResult.close();
            }
            reordered.forEach(OnnxTensor::close);
            emptyCaches.forEach(OnnxTensor::close);
            encoderHidden.close();
            encoderMask.close();
        }
    }

    private static boolean isIdentity(int[] parents) {
        if (parents == null) {
            return true;
        }
        for (int i = 0; i < parents.length; i++) {
            if (parents[i] != i) {
                return false;
            }
        }
        return true;
    }

    private static OnnxTensor output(OrtSession.Result result, String name) {
        return (OnnxTensor) result.get(name).orElseThrow(() -> new IllegalStateException("no output " + name));
    }
}

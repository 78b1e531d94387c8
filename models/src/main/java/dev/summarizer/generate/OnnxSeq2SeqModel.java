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
import dev.summarizer.export.GraphWeights;
import dev.summarizer.export.InferenceGraphs;
import dev.summarizer.export.ModelDtype;
import dev.summarizer.export.OptimumLayout;
import dev.summarizer.export.SuppliedInitializers;
import dev.summarizer.export.quantize.QuantizationSpec;
import dev.summarizer.model.ModelFormatException;
import dev.summarizer.model.T5Config;
import dev.summarizer.model.T5ParameterLayout;
import dev.summarizer.runtime.Device;
import dev.summarizer.runtime.NativeResources;
import dev.summarizer.runtime.Sessions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model's ONNX sessions: the encoder, and the decoder either as the first-step and cached-step files
 * ({@link DecoderMode#SEPARATE}) or as the merged file ({@link DecoderMode#MERGED}) of an exported folder, or the same
 * graphs over a training run's live parameters ({@link #overLiveParameters}). Thread-safe: ONNX Runtime sessions may
 * run concurrently, and each decoding keeps its state (and the sessions it started with) in its own
 * {@link TokenScorer}.
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
    /** The encoder and decoder sessions; replaced as a whole when a model over live parameters is refreshed. */
    private volatile Stages stages;
    private final BeamCandidates beamCandidates;
    private final OrtSession cacheReorder;
    private final OrtSession cacheTrim;
    private final RunTimer timer;
    /** Where this model's files are and which of them it runs; null for a model over live parameters. */
    private Path onnxDir;
    private ModelDtype dtype = ModelDtype.FP32;
    private final Map<OrtSession, Set<String>> outputNames = new java.util.concurrent.ConcurrentHashMap<>();
    /** For a model over live parameters: how to open its stages again; null for exported files. */
    private final LiveStages live;

    private OnnxSeq2SeqModel(T5Config config, DecoderMode mode, Stages stages, BeamCandidates beamCandidates,
            OrtSession cacheReorder, OrtSession cacheTrim, LiveStages live, RunTimer timer) {
        this.cacheTrim = cacheTrim;
        this.config = config;
        this.timer = timer;
        this.mode = mode;
        this.stages = stages;
        this.beamCandidates = beamCandidates;
        this.cacheReorder = cacheReorder;
        this.live = live;
    }

    /** When the decoder files' sessions open. */
    public enum DecoderLoading {
        /** With the model. */
        AT_OPEN,
        /**
         * At the first decoding through them: for a server whose continuous batch decodes with a decoder of its own,
         * and runs these files only for prompt lookup and retries. The files must be there at open.
         */
        AT_FIRST_USE
    }

    /** The sessions one decoding runs: the encoder, and the decoder steps'. */
    private record Stages(OrtSession encoder, DecoderSessions decoders) implements AutoCloseable {
        @Override
        public void close() throws OrtException {
            NativeResources.closeAll(encoder, decoders);
        }
    }

    /** Opens {@code modelDir/onnx/}'s float32 sessions. {@code threads} 0 lets ONNX Runtime use every core. */
    public static OnnxSeq2SeqModel open(Path modelDir, T5Config config, Device device, int threads, DecoderMode mode)
            throws OrtException {
        return open(modelDir, config, device, threads, mode, ModelDtype.FP32);
    }

    /**
     * Opens the sessions of {@code modelDir/onnx/}'s files of {@code dtype}: only the encoder and the decoder files
     * {@code mode} runs.
     *
     * @throws ModelFormatException when the folder has no files of that dtype, saying how to make them
     */
    public static OnnxSeq2SeqModel open(Path modelDir, T5Config config, Device device, int threads, DecoderMode mode,
            ModelDtype dtype) throws OrtException {
        return open(modelDir, config, device, threads, mode, dtype, DecoderLoading.AT_OPEN);
    }

    /**
     * Opens the sessions of {@code modelDir/onnx/}'s files of {@code dtype}, the decoder's at {@code loading}.
     *
     * @throws ModelFormatException when the folder has no files of that dtype, saying how to make them
     */
    public static OnnxSeq2SeqModel open(Path modelDir, T5Config config, Device device, int threads, DecoderMode mode,
            ModelDtype dtype, DecoderLoading loading) throws OrtException {
        Path onnx = modelDir.resolve(OptimumLayout.ONNX_FOLDER);
        List<Path> paths = new ArrayList<>();
        for (String file : files(mode)) {
            Path path = onnx.resolve(dtype.fileName(file));
            if (dtype != ModelDtype.FP32 && !Files.isRegularFile(path)) {
                throw new ModelFormatException(onnx + " has no " + dtype.cliName() + " files (" + path.getFileName()
                        + "); make them with: summarizer export --model " + modelDir + " --quantize " + dtype.cliName());
            }
            if (loading == DecoderLoading.AT_FIRST_USE) {
                Sessions.requireFile(path);
            }
            paths.add(path);
        }
        try (NativeResources opened = new NativeResources()) {
            Stages stages;
            if (loading == DecoderLoading.AT_FIRST_USE) {
                OrtSession encoder = opened.add(Sessions.open(paths.get(0), device, threads));
                DecoderSessions decoders = DecoderSessions.onFirstUse(paths.subList(1, paths.size()), device, threads);
                stages = new Stages(encoder, opened.add(decoders));
            } else {
                List<OrtSession> sessions = Sessions.openAll(paths, device, threads);
                sessions.forEach(opened::add);
                stages = new Stages(sessions.get(0), DecoderSessions.of(sessions.get(1), sessions.get(sessions.size() - 1)));
            }
            OnnxSeq2SeqModel model = withHelpers(opened, config, mode, stages, null);
            model.onnxDir = onnx;
            model.dtype = dtype;
            opened.handOver();
            return model;
        }
    }

    /** The float32 names of the files a model of {@code mode} runs: the encoder's, then the decoder steps'. */
    public static List<String> files(DecoderMode mode) {
        return mode == DecoderMode.MERGED
                ? List.of(OptimumLayout.ENCODER_FILE, OptimumLayout.DECODER_MERGED_FILE)
                : List.of(OptimumLayout.ENCODER_FILE, OptimumLayout.DECODER_FILE, OptimumLayout.DECODER_WITH_PAST_FILE);
    }

    /**
     * How the quantized files this model runs were made (bits, block size, accuracy level), read from them; null for
     * float32. A graph built to decode as these files do must quantize with it.
     */
    public QuantizationSpec quantization() throws IOException {
        return onnxDir == null ? null : dtype.specIn(onnxDir);
    }

    /**
     * A model over weights that live in {@code parameters} (by Hugging Face name) and change between uses: what a
     * training run evaluates with. The graphs are built and serialised once, without weights
     * ({@link SuppliedInitializers}); {@link #refreshWeights}, which must come before the first decoding, opens the
     * sessions over the parameters' current values. The caller keeps the tensors open for the model's lifetime.
     */
    public static OnnxSeq2SeqModel overLiveParameters(T5Config config, T5ParameterLayout layout,
            Map<String, OnnxTensor> parameters, Device device, int threads) throws OrtException {
        GraphWeights inputs = GraphWeights.asInputs(config, layout);
        // The merged decoder: one session holds both steps' weights, so each evaluation prepares them once (t5-small:
        // 1.1 s against 0.7 + 0.7 s for the two separate decoders).
        List<SuppliedInitializers> graphs = List.of(SuppliedInitializers.of(InferenceGraphs.encoder(inputs), layout),
                SuppliedInitializers.of(InferenceGraphs.decoderMerged(inputs), layout));
        Set<String> wanted = new HashSet<>();
        graphs.forEach(graph -> wanted.addAll(graph.names()));
        try (NativeResources opened = new NativeResources()) {
            LiveWeights weights = opened.add(LiveWeights.over(layout, parameters, wanted, threads));
            OnnxSeq2SeqModel model = withHelpers(opened, config, DecoderMode.MERGED, null,
                    new LiveStages(graphs, weights, device, threads));
            opened.handOver();
            return model;
        }
    }

    /**
     * For a model over live parameters: opens its sessions again over the parameters' current values (t5-small's
     * encoder and merged decoder: about 2 s on 2 cores, as ONNX Runtime takes in the weights and prepacks them), and
     * closes the old ones. A no-op for exported files. Not to be called while a decoding runs.
     */
    public synchronized void refreshWeights() throws OrtException {
        if (live == null) {
            return;
        }
        Stages old = stages;
        stages = live.open();
        outputNames.clear();
        if (old != null) {
            old.close();
        }
    }

    /** The weightless graphs of a model over live parameters, and the weights to open them with. */
    private record LiveStages(List<SuppliedInitializers> graphs, LiveWeights weights, Device device, int threads)
            implements AutoCloseable {
        Stages open() throws OrtException {
            weights.refresh();
            try (NativeResources opened = new NativeResources()) {
                List<OrtSession> sessions = new ArrayList<>();
                for (SuppliedInitializers graph : graphs) {
                    Map<String, OnnxTensor> weights = new HashMap<>();
                    graph.names().forEach(name -> weights.put(name, this.weights.byInputName().get(name)));
                    sessions.add(opened.add(Sessions.openWithInitializers(graph.model(), weights, device, threads)));
                }
                Stages stages = new Stages(sessions.get(0), DecoderSessions.of(sessions.get(1), sessions.get(1)));
                opened.handOver();
                return stages;
            }
        }

        @Override
        public void close() throws OrtException {
            weights.close();
        }
    }

    /** Beam search's and prompt lookup's per-step helpers: small work on the CPU, on the calling thread, so no pool spins against the decoder's. */
    private static OnnxSeq2SeqModel withHelpers(NativeResources opened, T5Config config, DecoderMode mode, Stages stages,
            LiveStages live) throws OrtException {
        RunTimer timer = new RunTimer();
        BeamCandidates beamCandidates = opened.add(new BeamCandidates(config.vocabSize(), timer));
        OrtSession cacheReorder = opened.add(Sessions.open(DecodingHelperGraphs.cacheReorder(2 * config.numDecoderLayers()), 1));
        OrtSession cacheTrim = opened.add(Sessions.open(DecodingHelperGraphs.cacheTrim(2 * config.numDecoderLayers()), 1));
        return new OnnxSeq2SeqModel(config, mode, stages, beamCandidates, cacheReorder, cacheTrim, live, timer);
    }

    public T5Config config() {
        return config;
    }

    /** Whether the decoder files' sessions are open: under {@link DecoderLoading#AT_FIRST_USE}, not before a decoding. */
    public boolean decodersOpen() {
        Stages current = stages;
        return current != null && current.decoders().isOpen();
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
        int rowSize = length * config.dModel();
        Stages current = stages;
        if (current == null) {
            throw new IllegalStateException("a model over live parameters needs refreshWeights() before it decodes");
        }
        float[] hidden = encode(current.encoder(), inputIds, attentionMask);
        FloatBuffer expanded = directFloats((long) batch * copies * rowSize);
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < copies; j++) {
                expanded.put(hidden, b * rowSize, rowSize);
            }
        }
        expanded.rewind();
        try (NativeResources opened = new NativeResources()) {
            OnnxTensor encoderHidden = opened.add(
                    OnnxTensor.createTensor(env, expanded, new long[] {batch * copies, length, config.dModel()}));
            OnnxTensor encoderMask = opened.add(longTensor(expandedMask, batch * copies, length));
            Decoding decoding = new Decoding(current, encoderHidden, encoderMask, batch * copies);
            opened.handOver();
            return decoding;
        }
    }

    /**
     * The encoder's output for a right-padded batch, [batch, length, d_model], zero at padded positions. Inputs of
     * different lengths are encoded one by one at their own length: padding eight SAMSum dialogues to the longest
     * made the encoder do twice the work, 40% of a t5-small batch's time. The decoder masks padded positions out
     * of cross-attention, so what they hold does not matter, and each input gets exactly what it gets alone.
     */
    private float[] encode(OrtSession encoder, long[][] inputIds, long[][] attentionMask) throws OrtException {
        int batch = inputIds.length;
        int length = inputIds[0].length;
        int[] lengths = new int[batch];
        boolean ragged = false;
        for (int b = 0; b < batch; b++) {
            while (lengths[b] < length && attentionMask[b][lengths[b]] != 0) {
                lengths[b]++;
            }
            for (int i = lengths[b]; i < length; i++) {
                if (attentionMask[b][i] != 0) {
                    throw new IllegalArgumentException("attention mask row " + b + " is not right-padded");
                }
            }
            ragged |= lengths[b] != length;
        }
        if (!ragged) {
            return runEncoder(encoder, flatten(inputIds), flatten(attentionMask), batch, length);
        }
        int rowSize = length * config.dModel();
        float[] hidden = new float[batch * rowSize];
        for (int b = 0; b < batch; b++) {
            int n = Math.max(1, lengths[b]);
            float[] row = runEncoder(encoder, Arrays.copyOf(inputIds[b], n), Arrays.copyOf(attentionMask[b], n), 1, n);
            System.arraycopy(row, 0, hidden, b * rowSize, row.length);
        }
        return hidden;
    }

    /**
     * The encoder's output for one text's ids, unpadded: {@code [length, d_model]}, as a batch of that text alone
     * gets it.
     */
    public float[] encode(long[] ids) throws OrtException {
        Stages current = stages;
        if (current == null) {
            throw new IllegalStateException("a model over live parameters needs refreshWeights() before it decodes");
        }
        long[] mask = new long[ids.length];
        Arrays.fill(mask, 1);
        return runEncoder(current.encoder(), ids, mask, 1, ids.length);
    }

    private float[] runEncoder(OrtSession encoder, long[] ids, long[] mask, int batch, int length) throws OrtException {
        try (OnnxTensor idsTensor = longTensor(ids, batch, length);
                OnnxTensor maskTensor = longTensor(mask, batch, length);
                OrtSession.Result out = timer.run(encoder, Map.of(INPUT_IDS, idsTensor, ATTENTION_MASK, maskTensor))) {
            return copy(((OnnxTensor) out.get(LAST_HIDDEN_STATE).orElseThrow()).getFloatBuffer());
        }
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
        NativeResources.closeAll(stages, beamCandidates, cacheReorder, cacheTrim, live);
    }

    /** One decoding's state: the encoder output it attends to and every layer's cache so far. */
    private final class Decoding implements TokenScorer {
        private final DecoderSessions.Steps steps;
        private final OnnxTensor encoderHidden;
        private final OnnxTensor encoderMask;
        private final int rows;
        /**
         * The decoder writes each step's logits here ({@code [rows, positions, vocab]}), pinned: no copy, no
         * allocation. One buffer, grown when a pass has more positions than any before, viewed by a tensor per
         * position count.
         */
        private FloatBuffer logitsBuffer;
        private final Map<Integer, OnnxTensor> logitsTensors = new HashMap<>();
        /** After {@link #forget}: the shortened self-attention caches the next step reads instead of the last step's. */
        private OrtSession.Result trimmed;
        /** Self-attention cache length so far. */
        private long cacheLength;
        /** The first step's outputs; its cross-attention caches stay in use for the whole decoding. */
        private OrtSession.Result firstResult;
        /** The latest step's outputs, whose self-attention caches the next step reads. */
        private OrtSession.Result lastResult;
        private final List<OnnxTensor> emptyCaches = new ArrayList<>();

        Decoding(Stages stages, OnnxTensor encoderHidden, OnnxTensor encoderMask, int rows) throws OrtException {
            this.steps = stages.decoders().steps();
            this.encoderHidden = encoderHidden;
            this.encoderMask = encoderMask;
            this.rows = rows;
            logitsFor(1);
        }

        /** The pinned logits tensor of a pass over {@code positions} tokens per row. */
        private OnnxTensor logitsFor(int positions) throws OrtException {
            OnnxTensor tensor = logitsTensors.get(positions);
            if (tensor != null) {
                return tensor;
            }
            long size = (long) rows * positions * config.vocabSize();
            if (logitsBuffer == null || logitsBuffer.capacity() < size) {
                NativeResources.closeAll(logitsTensors.values().toArray(AutoCloseable[]::new));
                logitsTensors.clear();
                logitsBuffer = directFloats(size);
            }
            tensor = OnnxTensor.createTensor(env, logitsPrefix(positions), new long[] {rows, positions, config.vocabSize()});
            logitsTensors.put(positions, tensor);
            return tensor;
        }

        /** The start of the logits buffer that a pass over {@code positions} tokens per row fills. */
        private FloatBuffer logitsPrefix(int positions) {
            FloatBuffer view = logitsBuffer.duplicate();
            view.position(0).limit(rows * positions * config.vocabSize());
            return view.slice();
        }

        @Override
        public Logits next(long[] tokens, int[] parents) throws OrtException {
            step(tokens.clone(), 1, parents);
            return new Logits(logitsPrefix(1), rows, config.vocabSize());
        }

        @Override
        public Logits next(long[][] tokens) throws OrtException {
            int positions = tokens[0].length;
            long[] flat = new long[rows * positions];
            for (int r = 0; r < rows; r++) {
                if (tokens[r].length != positions) {
                    throw new IllegalArgumentException("row " + r + " has " + tokens[r].length + " tokens, row 0 " + positions);
                }
                System.arraycopy(tokens[r], 0, flat, r * positions, positions);
            }
            step(flat, positions, null);
            return new Logits(logitsPrefix(positions), rows * positions, config.vocabSize());
        }

        @Override
        public void forget(int positions) throws OrtException {
            if (positions == 0) {
                return;
            }
            if (positions < 0 || positions >= cacheLength) {
                throw new IllegalArgumentException("cannot forget " + positions + " of " + cacheLength + " cached positions");
            }
            int layers = config.numDecoderLayers();
            Map<String, OnnxTensor> inputs = new HashMap<>();
            try (OnnxTensor keep = longTensor(new long[] {cacheLength - positions}, 1)) {
                inputs.put(DecodingHelperGraphs.KEPT_LENGTH, keep);
                for (int i = 0; i < layers; i++) {
                    inputs.put(DecodingHelperGraphs.cacheInput(2 * i), selfCache(i, false));
                    inputs.put(DecodingHelperGraphs.cacheInput(2 * i + 1), selfCache(i, true));
                }
                OrtSession.Result result = timer.run(cacheTrim, inputs);
                if (trimmed != null) {
                    trimmed.close();
                }
                trimmed = result;
            }
            cacheLength -= positions;
        }

        /** Layer {@code i}'s self-attention keys or values as the next step reads them. */
        private OnnxTensor selfCache(int layer, boolean value) {
            return trimmed != null
                    ? output(trimmed, DecodingHelperGraphs.trimmedOutput(2 * layer + (value ? 1 : 0)))
                    : output(lastResult, presentName(layer, false, value));
        }

        @Override
        public Continuations bestContinuations(long[] tokens, int[] parents, float[] runningScores, long[][] banned,
                int beams, int k) throws OrtException {
            step(tokens.clone(), 1, parents);
            return beamCandidates.choose(logitsFor(1), rows, runningScores, banned, beams, k);
        }

        /**
         * Runs one decoder pass over {@code positions} tokens per row ({@code tokens}, row-major, handed over) and
         * keeps its result, which stays open until the next pass.
         */
        private void step(long[] tokens, int positions, int[] parents) throws OrtException {
            Map<String, OnnxTensor> inputs = new HashMap<>();
            inputs.put(ENCODER_ATTENTION_MASK, encoderMask);
            inputs.put(ENCODER_HIDDEN_STATES, encoderHidden);
            OrtSession.Result reordered = null;
            try (OnnxTensor ids = longTensor(tokens, rows, positions);
                    OnnxTensor useCache = OnnxTensor.createTensor(env, new boolean[] {firstResult != null})) {
                inputs.put(INPUT_IDS, ids);
                OrtSession session;
                if (firstResult == null) {
                    session = steps.first();
                    if (mode == DecoderMode.MERGED) {
                        inputs.put(USE_CACHE_BRANCH, useCache);
                        addEmptyCaches(inputs);
                    }
                } else {
                    session = steps.cached();
                    if (mode == DecoderMode.MERGED) {
                        inputs.put(USE_CACHE_BRANCH, useCache);
                    }
                    reordered = addCaches(inputs, parents);
                }
                OrtSession.Result result = timer.runDecoder(session, inputs, outputsBesideLogits(session),
                        Map.of(LOGITS, logitsFor(positions)));
                releaseAfterStep(result);
                cacheLength += positions;
            } finally {
                if (reordered != null) {
                    reordered.close();
                }
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
         * with rows gathered by {@code parents} in ONNX Runtime when beam search moved them. Returns the
         * reorder's result, to be closed after the step, or null.
         */
        private OrtSession.Result addCaches(Map<String, OnnxTensor> inputs, int[] parents) throws OrtException {
            int layers = config.numDecoderLayers();
            for (int i = 0; i < layers; i++) {
                for (boolean value : new boolean[] {false, true}) {
                    inputs.put(pastName(i, true, value), output(firstResult, presentName(i, true, value)));
                    inputs.put(pastName(i, false, value), selfCache(i, value));
                }
            }
            if (isIdentity(parents)) {
                return null;
            }
            Map<String, OnnxTensor> reorderInputs = new HashMap<>();
            long[] parentRows = new long[parents.length];
            for (int r = 0; r < parents.length; r++) {
                parentRows[r] = parents[r];
            }
            try (OnnxTensor parentTensor = longTensor(parentRows, parents.length)) {
                reorderInputs.put(DecodingHelperGraphs.PARENT_ROWS, parentTensor);
                for (int i = 0; i < layers; i++) {
                    reorderInputs.put(DecodingHelperGraphs.cacheInput(2 * i), inputs.get(pastName(i, false, false)));
                    reorderInputs.put(DecodingHelperGraphs.cacheInput(2 * i + 1), inputs.get(pastName(i, false, true)));
                }
                OrtSession.Result reordered = timer.run(cacheReorder, reorderInputs);
                for (int i = 0; i < layers; i++) {
                    inputs.put(pastName(i, false, false), output(reordered, DecodingHelperGraphs.cacheOutput(2 * i)));
                    inputs.put(pastName(i, false, true), output(reordered, DecodingHelperGraphs.cacheOutput(2 * i + 1)));
                }
                return reordered;
            }
        }

        /** Keeps the first step's result (its cross caches) and the latest one; closes what no step needs any more. */
        private void releaseAfterStep(OrtSession.Result result) {
            if (firstResult == null) {
                firstResult = result;
            } else if (lastResult != firstResult && lastResult != null) {
                lastResult.close();
            }
            lastResult = result;
            if (trimmed != null) {
                trimmed.close();
                trimmed = null;
            }
            for (OnnxTensor t : emptyCaches) {
                t.close();
            }
            emptyCaches.clear();
        }

        @Override
        public void close() throws OrtException {
            List<AutoCloseable> all = new ArrayList<>(emptyCaches);
            all.addAll(logitsTensors.values());
            all.addAll(Arrays.asList(trimmed, lastResult != firstResult ? lastResult : null, firstResult, encoderHidden,
                    encoderMask));
            NativeResources.closeAll(all.toArray(AutoCloseable[]::new));
        }
    }

    /** The outputs a decoder session returns besides the pinned logits; worked out once per session. */
    private Set<String> outputsBesideLogits(OrtSession session) {
        return outputNames.computeIfAbsent(session, s -> {
            Set<String> names = new HashSet<>(s.getOutputNames());
            names.remove(LOGITS);
            return Set.copyOf(names);
        });
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

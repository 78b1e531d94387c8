package dev.summarizer.training.session;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.summarizer.training.artifacts.ArtifactNames;
import dev.summarizer.training.artifacts.OptimizerGraph;
import dev.summarizer.export.OnnxExport;
import dev.summarizer.export.quantize.QuantizationSpec;
import dev.summarizer.model.FloatTensor;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.ParameterSpec;
import dev.summarizer.model.T5Config;
import dev.summarizer.model.T5ParameterLayout;
import dev.summarizer.model.T5Weights;
import dev.summarizer.onnx.DType;
import dev.summarizer.onnx.Dim;
import dev.summarizer.onnx.Graph;
import dev.summarizer.onnx.OnnxModelWriter;
import dev.summarizer.onnx.Value;
import dev.summarizer.runtime.Device;
import dev.summarizer.runtime.NativeResources;
import dev.summarizer.runtime.Sessions;
import dev.summarizer.training.artifacts.T5Loss;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.nio.LongBuffer;
import java.nio.DoubleBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Drives the training artifacts with ONNX Runtime: {@link #trainStep} runs the training model on a micro-batch
 * and adds its gradients up, {@link #optimizerStep} clips them and applies AdamW, {@link #evalStep} runs the eval
 * model. What is trained is a {@link Trainable}: every parameter of the model, or LoRA adapters beside frozen
 * weights that the graphs hold as initializers. The trained tensors, their gradients and moments live in native
 * buffers that every run reads and writes in place (pinned outputs), so a step copies none of them.
 *
 * <p>Dropout masks come from the training model's seeded Dropout nodes, which draw a new mask every run. The
 * stream restarts, from a seed derived from the run's seed and the step, whenever {@link #restartDropout} is
 * called (the trainer calls it at every checkpoint): an interrupted run resumed from a checkpoint continues
 * with exactly the masks the uninterrupted run used.
 */
public final class TrainingSession implements AutoCloseable {
    private final OrtEnvironment env = Sessions.environment();
    private final Trainable trainable;
    private final List<ParameterSpec> specs;
    private final TrainingSettings settings;
    private final Device device;
    private final int threads;
    private final Path artifacts;
    private final TensorBuffers params;
    private final TensorBuffers grads;
    private final TensorBuffers firstMoments;
    private final TensorBuffers secondMoments;
    private TensorBuffers microBatchGrads;
    private OrtSession training;
    /** Opened at the first evaluation: a LoRA eval session holds its own copy of the frozen weights. */
    private OrtSession eval;
    private final OrtSession optimizer;
    private OrtSession accumulate;
    private int microBatches;
    private long step;

    /**
     * A session over {@code trainable}, whose graphs are built here (and can restart their dropout), or, with
     * {@code artifacts} non-null, read from an artifacts folder. Takes ownership of {@code trainable}.
     */
    private TrainingSession(Trainable trainable, TrainingSettings settings, Device device, int threads, Path artifacts)
            throws OrtException {
        this.trainable = trainable;
        this.specs = trainable.trained();
        this.settings = settings;
        this.device = device;
        this.threads = threads;
        this.artifacts = artifacts;
        try (NativeResources opened = new NativeResources()) {
            opened.add(trainable);
            this.params = opened.add(new TensorBuffers(env, specs));
            this.grads = opened.add(new TensorBuffers(env, specs));
            this.firstMoments = opened.add(new TensorBuffers(env, specs));
            this.secondMoments = opened.add(new TensorBuffers(env, specs));
            this.optimizer = opened.add(artifacts == null ? open(SessionModel.of(OptimizerGraph.adamW(specs, settings.adamW())))
                    : openFile(ArtifactNames.OPTIMIZER_MODEL));
            this.training = opened.add(openTraining());
            opened.handOver();
        }
    }

    /**
     * A session over an artifacts folder written by {@code summarizer artifacts}: its three models and its
     * checkpoint (parameters, moments, step). Dropout, label smoothing and AdamW's settings are the files';
     * their dropout stream cannot be restarted, so such a session resumes exactly only without dropout.
     */
    public static TrainingSession open(Path artifacts, double maxGradNorm, Device device, int threads) throws OrtException {
        TrainingCheckpoint checkpoint = TrainingCheckpoint.read(artifacts.resolve(ArtifactNames.CHECKPOINT), null);
        com.fasterxml.jackson.databind.JsonNode saved = checkpoint.trainerState().path("artifact_settings");
        TrainingSettings settings = new TrainingSettings(saved.path("dropout").asDouble(0), saved.path("seed").asLong(42),
                saved.path("label_smoothing_factor").asDouble(0),
                new dev.summarizer.training.artifacts.AdamWSettings(saved.path("adam_beta1").asDouble(0.9),
                        saved.path("adam_beta2").asDouble(0.999), saved.path("adam_epsilon").asDouble(1e-8),
                        saved.path("weight_decay").asDouble(0)),
                maxGradNorm);
        T5Weights weights = checkpoint.weights();
        TrainingSession session = new TrainingSession(new AllParameters(weights.config(), weights.layout()), settings, device,
                threads, artifacts);
        session.restore(weights.tensors(), checkpoint.firstMoments(), checkpoint.secondMoments(), checkpoint.step());
        return session;
    }

    private OrtSession openFile(String name) throws OrtException {
        try {
            return Sessions.openForTraining(java.nio.file.Files.readAllBytes(artifacts.resolve(name)), device, threads);
        } catch (IOException e) {
            throw new dev.summarizer.model.ModelFormatException(artifacts.resolve(name) + ": cannot read: " + e.getMessage());
        }
    }

    /** A session starting from {@code weights} with zero moments at step 0. */
    public static TrainingSession create(T5Weights weights, TrainingSettings settings, Device device, int threads)
            throws OrtException {
        return start(new AllParameters(weights.config(), weights.layout()), weights.tensors(), settings, device, threads);
    }

    /** A session continuing from a checkpoint: its parameters, moments and step. */
    public static TrainingSession resume(TrainingCheckpoint checkpoint, TrainingSettings settings, Device device,
            int threads) throws OrtException {
        T5Weights weights = checkpoint.weights();
        return resume(new AllParameters(weights.config(), weights.layout()), weights.tensors(), checkpoint.firstMoments(),
                checkpoint.secondMoments(), checkpoint.step(), settings, device, threads);
    }

    /**
     * A session training {@code trainable} from {@code values} (every trained tensor by name) with zero moments at
     * step 0. Takes ownership of {@code trainable}.
     */
    public static TrainingSession start(Trainable trainable, Map<String, FloatTensor> values, TrainingSettings settings,
            Device device, int threads) throws OrtException {
        TrainingSession session = new TrainingSession(trainable, settings, device, threads, null);
        session.restore(values, null, null, 0);
        return session;
    }

    /** A session training {@code trainable} that continues from saved values, moments and step. */
    public static TrainingSession resume(Trainable trainable, Map<String, FloatTensor> values, Map<String, FloatTensor> first,
            Map<String, FloatTensor> second, long step, TrainingSettings settings, Device device, int threads)
            throws OrtException {
        TrainingSession session = new TrainingSession(trainable, settings, device, threads, null);
        session.restore(values, first, second, step);
        session.restartDropout();
        return session;
    }

    private void restore(Map<String, FloatTensor> values, Map<String, FloatTensor> first, Map<String, FloatTensor> second,
            long step) throws OrtException {
        try {
            params.load(values);
            if (first != null) {
                firstMoments.load(first);
                secondMoments.load(second);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        this.step = step;
    }

    private OrtSession open(SessionModel model) throws OrtException {
        try (model) {
            return Sessions.openForTraining(model.model(), model.initializers(), model.fallback(), device, threads);
        }
    }

    private OrtSession openTraining() throws OrtException {
        if (artifacts != null) {
            return openFile(ArtifactNames.TRAINING_MODEL);
        }
        long seed = settings.seed() * 1_000_003L + step;
        return open(trainable.trainingModel(settings, seed, T5Loss.Form.forDevice(device)));
    }

    /**
     * Restarts the dropout masks from a seed that depends only on the run's seed and the current step. A no-op
     * without dropout.
     */
    public void restartDropout() throws OrtException {
        if (!trainable.hasDropout(settings) || artifacts != null) {
            return;
        }
        training.close();
        training = null;
        training = openTraining();
    }

    /**
     * Forward and backward on one micro-batch; its gradients are added to those of the micro-batches since
     * the last optimizer step. Returns the micro-batch's mean token loss.
     *
     * @throws NonFiniteLossException when the loss is NaN or infinite (the parameters are left as they were)
     */
    public double trainStep(Batch batch) throws OrtException {
        boolean first = microBatches == 0;
        if (!first && microBatchGrads == null) {
            microBatchGrads = new TensorBuffers(env, specs);
        }
        TensorBuffers target = first ? grads : microBatchGrads;
        Map<String, OnnxTensor> pinned = new HashMap<>();
        for (ParameterSpec spec : specs) {
            pinned.put(ArtifactNames.gradient(spec.name()), target.tensor(spec.name()));
        }
        double loss;
        try (BatchTensors inputs = new BatchTensors(batch);
                OrtSession.Result result = training.run(inputs.with(params.tensors()), Set.of(ArtifactNames.LOSS), pinned)) {
            loss = scalar(result, ArtifactNames.LOSS);
        }
        if (!Double.isFinite(loss)) {
            throw new NonFiniteLossException(step + 1, loss);
        }
        if (!first) {
            addMicroBatchGradients();
        }
        microBatches++;
        return loss;
    }

    /** The eval model's loss on a batch (no dropout, no gradients). */
    public double evalStep(Batch batch) throws OrtException {
        if (eval == null) {
            eval = artifacts == null ? open(trainable.evalModel(settings, T5Loss.Form.forDevice(device)))
                    : openFile(ArtifactNames.EVAL_MODEL);
        }
        try (BatchTensors inputs = new BatchTensors(batch);
                OrtSession.Result result = eval.run(inputs.with(params.tensors()))) {
            return scalar(result, ArtifactNames.LOSS);
        }
    }

    /** What an optimizer step did: the update's number (1 for the first), the rate, the gradient norm. */
    public record OptimizerStep(long step, double learningRate, double gradNorm) {}

    /**
     * Averages the accumulated gradients over the micro-batches, clips their global norm, applies AdamW with
     * {@code learningRate}, and starts a new accumulation.
     */
    public OptimizerStep optimizerStep(double learningRate) throws OrtException {
        return optimizerStep(learningRate, 1.0 / Math.max(1, microBatches));
    }

    /**
     * {@link #optimizerStep(double)} with the gradients multiplied by {@code gradScale} instead of averaged: the
     * Trainer divides by the configured accumulation steps even when an epoch ends with fewer micro-batches.
     */
    public OptimizerStep optimizerStep(double learningRate, double gradScale) throws OrtException {
        if (microBatches == 0) {
            throw new IllegalStateException("no trainStep since the last optimizer step");
        }
        Map<String, OnnxTensor> inputs = new HashMap<>();
        Map<String, OnnxTensor> pinned = new HashMap<>();
        double gradNorm;
        try (OnnxTensor rate = OnnxTensor.createTensor(env, DoubleBuffer.wrap(new double[] {learningRate}), new long[0]);
                OnnxTensor stepTensor = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[] {step + 1}), new long[0]);
                OnnxTensor scale = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[] {(float) gradScale}), new long[0]);
                OnnxTensor maxNorm = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[] {(float) settings.maxGradNorm()}), new long[0])) {
            inputs.put(ArtifactNames.LEARNING_RATE, rate);
            inputs.put(ArtifactNames.STEP, stepTensor);
            inputs.put(ArtifactNames.GRAD_SCALE, scale);
            inputs.put(ArtifactNames.MAX_GRAD_NORM, maxNorm);
            for (ParameterSpec spec : specs) {
                String name = spec.name();
                inputs.put(name, params.tensor(name));
                inputs.put(ArtifactNames.gradient(name), grads.tensor(name));
                inputs.put(ArtifactNames.firstMoment(name), firstMoments.tensor(name));
                inputs.put(ArtifactNames.secondMoment(name), secondMoments.tensor(name));
                // Written in place: each output is computed elementwise from inputs read before it.
                pinned.put(ArtifactNames.updated(name), params.tensor(name));
                pinned.put(ArtifactNames.updated(ArtifactNames.firstMoment(name)), firstMoments.tensor(name));
                pinned.put(ArtifactNames.updated(ArtifactNames.secondMoment(name)), secondMoments.tensor(name));
            }
            try (OrtSession.Result result = optimizer.run(inputs, Set.of(ArtifactNames.GRAD_NORM), pinned)) {
                gradNorm = scalar(result, ArtifactNames.GRAD_NORM);
            }
        }
        microBatches = 0;
        step++;
        return new OptimizerStep(step, learningRate, gradNorm);
    }

    /** gradients += micro-batch gradients, in place, by a small graph of Adds. */
    private void addMicroBatchGradients() throws OrtException {
        if (accumulate == null) {
            accumulate = Sessions.open(OnnxModelWriter.toModel(accumulationGraph(specs)).toByteArray(), Device.CPU, threads);
        }
        Map<String, OnnxTensor> inputs = new HashMap<>();
        Map<String, OnnxTensor> pinned = new HashMap<>();
        for (ParameterSpec spec : specs) {
            inputs.put("sum." + spec.name(), grads.tensor(spec.name()));
            inputs.put("part." + spec.name(), microBatchGrads.tensor(spec.name()));
            pinned.put("new." + spec.name(), grads.tensor(spec.name()));
        }
        accumulate.run(inputs, Set.of(), pinned).close();
    }

    /** The gradient-accumulation graph: {@code new.<p> = sum.<p> + part.<p>} for every trained tensor. */
    public static Graph accumulationGraph(List<ParameterSpec> specs) {
        Graph g = new Graph("accumulate");
        for (ParameterSpec spec : specs) {
            Dim[] dims = new Dim[spec.shape().length];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = Dim.of(spec.shape()[i]);
            }
            Value sum = g.input("sum." + spec.name(), DType.FLOAT, dims);
            Value part = g.input("part." + spec.name(), DType.FLOAT, dims);
            g.output("new." + spec.name(), g.add(sum, part));
        }
        return g;
    }

    private static double scalar(OrtSession.Result result, String name) throws OrtException {
        OnnxTensor t = (OnnxTensor) result.get(name).orElseThrow(() -> new IllegalStateException("no output " + name));
        Object value = t.getValue();
        return value instanceof Float f ? f : (Double) value;
    }

    /** Forgets the gradients of the micro-batches since the last optimizer step (a run stopping mid-step). */
    public void discardPendingGradients() {
        microBatches = 0;
    }

    /** Optimizer steps taken so far. */
    public long step() {
        return step;
    }

    /** Micro-batches whose gradients wait for the next optimizer step. */
    public int pendingMicroBatches() {
        return microBatches;
    }

    public T5Config config() {
        return trainable.config();
    }

    public TrainingSettings settings() {
        return settings;
    }

    /** A copy of the model's current parameters (for LoRA, the base with the adapter merged in). */
    public T5Weights weights() {
        return trainable.weights(params);
    }

    /** A copy of the trained tensors' current values, by name. */
    public Map<String, FloatTensor> trainedValues() {
        return params.copy();
    }

    /** A copy of the gradients added up since the last optimizer step, by trained tensor. */
    public Map<String, FloatTensor> gradients() {
        return grads.copy();
    }

    /** Writes the trained values, moments and step (plus {@code trainerState}) as a checkpoint folder, atomically. */
    public void saveCheckpoint(Path dir, ObjectNode trainerState) throws IOException {
        saveCheckpoint(dir, trainerState, staging -> {});
    }

    /** {@link #saveCheckpoint(Path, ObjectNode)}, with {@code extras} writing more files into the folder first. */
    public void saveCheckpoint(Path dir, ObjectNode trainerState, TrainingCheckpoint.Extras extras) throws IOException {
        trainable.writeCheckpoint(dir, params, firstMoments, secondMoments, step, trainerState, extras);
    }

    /** What this session trains. */
    public Trainable trainable() {
        return trainable;
    }

    /** The layout of the model being fine-tuned. */
    public T5ParameterLayout layout() {
        return trainable.layout();
    }

    /**
     * The model's parameter tensors, by name, valid until the session closes, for graphs that read the current
     * weights at each run (the evaluation decoders). For full fine-tuning they are the buffers every optimizer step
     * updates in place; for LoRA, the frozen weights and merged copies of the adapted ones, current after
     * {@link #refreshLiveParameters}.
     */
    public Map<String, OnnxTensor> liveParameters() {
        return trainable.liveParameters(params);
    }

    /** Brings {@link #liveParameters} up to the current values (a no-op for full fine-tuning). */
    public void refreshLiveParameters() {
        trainable.refreshLiveParameters(params);
    }

    /**
     * Writes the current parameters as a complete model folder: config.json, model.safetensors, the source
     * folder's generation_config.json and tokenizer files, and the four ONNX files; atomically.
     */
    public void exportModel(Path out, ModelFolder source, long maxShardBytes) throws IOException {
        exportModel(out, source, maxShardBytes, List.of());
    }

    /** As {@link #exportModel(Path, ModelFolder, long)}, with the quantized files of {@code quantizations} too. */
    public void exportModel(Path out, ModelFolder source, long maxShardBytes, List<QuantizationSpec> quantizations)
            throws IOException {
        OnnxExport.exportFolder(weights(), source, out, maxShardBytes, quantizations, line -> {});
    }

    @Override
    public void close() throws OrtException {
        NativeResources.closeAll(training, eval, optimizer, accumulate, params, grads, firstMoments, secondMoments,
                microBatchGrads, trainable);
    }
}

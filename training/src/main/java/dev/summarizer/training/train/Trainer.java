package dev.summarizer.training.train;

import dev.summarizer.Progress;
import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.summarizer.export.OnnxExport;
import dev.summarizer.generate.GenerationDefaults;
import dev.summarizer.generate.ModelTokenizer;
import dev.summarizer.generate.SourceSettings;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.StagingDirectory;
import dev.summarizer.model.T5Config;
import dev.summarizer.model.TokenizerFiles;
import dev.summarizer.training.data.ColumnRequest;
import dev.summarizer.training.report.TensorBoardEvents;
import dev.summarizer.training.data.Dataset;
import dev.summarizer.training.data.SummarizationExample;
import dev.summarizer.training.session.LearningRateSchedule;
import dev.summarizer.training.session.NonFiniteLossException;
import dev.summarizer.training.session.SavedCheckpoint;
import dev.summarizer.training.session.TrainingSession;
import dev.summarizer.training.session.TrainingSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The fine-tuning loop, with the Hugging Face Trainer's semantics: epochs of shuffled (or file-order)
 * micro-batches, gradient accumulation, a warmup schedule, AdamW with clipping, and after each optimizer step
 * what the callbacks ask for (log, evaluate, save, stop: {@link DefaultFlowCallback}, {@link EarlyStoppingCallback},
 * ...), then the final model folder in {@code OUTPUT_DIR/final}.
 *
 * <p>A run resumed from one of its checkpoints continues exactly: the data order of an epoch depends only on the
 * seed and the epoch, where in the epoch a step ends follows from its number (as in transformers), and the
 * dropout stream restarts at every checkpoint from the seed and the step.
 */
public final class Trainer {
    public static final String METRICS = "metrics.jsonl";
    public static final String FINAL = "final";

    private final TrainingArguments args;
    private final FineTuning fineTuning;
    private final PrintStream out;
    private volatile boolean stopRequested;
    /** Wraps the checkpoint writer; tests use it to make a save fail as a full disk does. */
    java.util.function.UnaryOperator<CheckpointManager.Writer> checkpointWriter = writer -> writer;

    public Trainer(TrainingArguments args, PrintStream out) {
        this(args, null, out);
    }

    /** A run that trains a LoRA adapter ({@code lora} non-null) instead of every parameter. */
    public Trainer(TrainingArguments args, LoraArguments lora, PrintStream out) {
        this.args = args;
        this.fineTuning = lora == null ? new FullFineTuning(args.device(), args.threads()) : new LoraFineTuning(lora, args);
        this.out = out;
    }

    /** How a run ended. */
    public record Result(long steps, Path finalModel, Path lastCheckpoint, boolean interrupted, Double bestMetric) {}

    /** Asks the loop to stop after the current micro-batch, save a resumable checkpoint and return. */
    public void requestStop() {
        stopRequested = true;
    }

    public Result run() throws IOException, OrtException {
        ModelFolder source = ModelFolder.open(args.model());
        Path output = args.outputDir();
        prepareOutputDir(output);
        SavedCheckpoint resumeFrom = args.checkpointing().resumeFromCheckpoint() == null ? null : resolveCheckpoint(output);

        T5Config config = source.readConfig();
        if (args.dropout() != null) {
            config = config.withDropoutRate(args.dropout());
        }
        config = withSource(config, args.data().source());

        TrainingArguments.Data data = args.data();
        Dataset train = readDataset(data.train(), "training");
        Dataset validation = data.validation() == null ? null : readDataset(data.validation(), "validation");
        List<TokenizedExample> trainData;
        Evaluator.Data evalData = null;
        try (ModelTokenizer tokenizer = ModelTokenizer.open(source.file(TokenizerFiles.TOKENIZER_JSON))) {
            Preprocessor preprocessor = new Preprocessor(tokenizer, data.source(), data.maxTargetLength());
            trainData = report("training", preprocessor.tokenize(limit(train.examples(), data.maxTrainSamples())));
            if (validation != null) {
                List<SummarizationExample> examples = limit(validation.examples(), data.maxEvalSamples());
                evalData = new Evaluator.Data(examples, report("validation", preprocessor.tokenize(examples)));
            }
        }
        return loop(source, config, resumeFrom, trainData, evalData);
    }

    private Result loop(ModelFolder source, T5Config config, SavedCheckpoint resumeFrom,
            List<TokenizedExample> trainData, Evaluator.Data evalData) throws IOException, OrtException {
        Path output = args.outputDir();
        TrainingArguments.Data data = args.data();
        int accumulation = data.gradientAccumulationSteps();
        int microBatchesPerEpoch = (trainData.size() + data.perDeviceTrainBatchSize() - 1) / data.perDeviceTrainBatchSize();
        long stepsPerEpoch = Math.max(1, (microBatchesPerEpoch + accumulation - 1) / accumulation);
        TrainingArguments.Schedule plan = args.schedule();
        long maxSteps = plan.maxSteps() > 0 ? plan.maxSteps() : (long) Math.ceil(plan.numTrainEpochs() * stepsPerEpoch);
        long warmup = plan.warmupSteps() > 0 ? plan.warmupSteps() : (long) Math.ceil(plan.warmupRatio() * maxSteps);
        LearningRateSchedule schedule = new LearningRateSchedule(plan.lrSchedulerType(), args.optimizer().learningRate(),
                warmup, maxSteps);
        TrainingSettings settings = new TrainingSettings(config.dropoutRate(), args.seed(), args.labelSmoothingFactor(),
                args.optimizer().adamW(), args.optimizer().maxGradNorm());
        out.printf("training %s: %d examples, %d micro-batches of %d per epoch, %d accumulated per step; %d steps, warmup %d%n",
                args.model(), trainData.size(), microBatchesPerEpoch, data.perDeviceTrainBatchSize(), accumulation, maxSteps,
                warmup);

        TrainerState state = resumeFrom != null ? TrainerState.fromJson(resumeFrom.trainerState()) : new TrainerState();
        describeRun(state, maxSteps);
        try (TrainingSession session = fineTuning.open(source, config, resumeFrom, settings);
                MetricsLog metrics = resumeFrom != null
                        ? MetricsLog.resume(output.resolve(METRICS), resumeFrom.step())
                        : MetricsLog.create(output.resolve(METRICS));
                Evaluator evaluator = evalData == null || args.evaluation().strategy() == Strategy.NO ? null
                        : Evaluator.open(session, source, evalData, args, config.padTokenId());
                ReportCallback report = new ReportCallback(output,
                        args.model().getFileName() + " -> " + output.toAbsolutePath().getFileName(),
                        args.reportTo() == TrainingArguments.ReportTo.TENSORBOARD
                                ? TensorBoardEvents.open(output.resolve("runs"), hostName()) : null, Progress.on(out))) {
            Progress progress = Progress.on(out);
            progress.begin("train", maxSteps, session.step(), Progress.Unit.of("steps"));
            TrainingArguments.Evaluation evaluation = args.evaluation();
            List<TrainerCallback> callbacks = new ArrayList<>(List.of(
                    new DefaultFlowCallback(args, maxSteps, stepsPerEpoch, evaluator != null),
                    new ProgressCallback(progress), new MetricsCallback(metrics, progress), report));
            if (evaluation.earlyStoppingPatience() > 0) {
                callbacks.add(new EarlyStoppingCallback(evaluation.earlyStoppingPatience(), evaluation.metricForBestModel(),
                        evaluation.greaterIsBetter(), progress));
            }
            CheckpointManager checkpoints = new CheckpointManager(output, args.checkpointing().saveTotalLimit(),
                    state.bestModelCheckpoint == null ? null : Path.of(state.bestModelCheckpoint));
            CheckpointManager.Writer writer = checkpointWriter.apply((dir, json) -> session.saveCheckpoint(dir, json,
                    staging -> writeCheckpointExtras(source, staging)));
            long firstEpoch = session.step() / stepsPerEpoch;
            int firstBatch = (int) (session.step() % stepsPerEpoch) * accumulation;
            if (resumeFrom != null) {
                out.printf("resumed from %s at step %d (epoch %d, micro-batch %d)%n", resumeFrom.dir(), session.step(),
                        firstEpoch, firstBatch);
            }

            LogWindow window = new LogWindow();
            RunTotals totals = new RunTotals(session.step());
            Path lastCheckpoint = null;
            double stepLossSum = 0;
            int pending = 0;
            int stepExamples = 0;
            boolean done = session.step() >= maxSteps;
            for (long epoch = firstEpoch; !done; epoch++) {
                List<int[]> batches = BatchOrder.batches(trainData, data.perDeviceTrainBatchSize(), data.shuffle(),
                        data.groupByLength(), args.seed(), (int) epoch);
                for (int b = epoch == firstEpoch ? firstBatch : 0; b < batches.size() && !done; b++) {
                    try {
                        stepLossSum += session.trainStep(Collator.collate(trainData, batches.get(b), config.padTokenId()));
                    } catch (NonFiniteLossException e) {
                        progress.line("");
                        throw new TrainingException(e.getMessage()
                                + (lastCheckpoint != null ? "; the last good checkpoint is " + lastCheckpoint : ""));
                    }
                    pending++;
                    stepExamples += batches.get(b).length;
                    boolean endOfEpoch = b == batches.size() - 1;
                    if (pending < accumulation && !endOfEpoch) {
                        if (stopRequested) {
                            // Mid-accumulation: the pending micro-batches are dropped; the checkpoint is the last step's.
                            session.discardPendingGradients();
                            return interrupted(session, state, save(session, checkpoints, writer, state, callbacks), callbacks);
                        }
                        continue;
                    }
                    double rate = schedule.rate(session.step());
                    TrainingSession.OptimizerStep update = session.optimizerStep(rate, 1.0 / accumulation);
                    var step = new TrainerCallback.StepOutcome(update.step(), stepLossSum / pending, rate, update.gradNorm());
                    stepLossSum = 0;
                    pending = 0;
                    state.globalStep = update.step();
                    state.epoch = epoch + (endOfEpoch ? 1.0 : (double) (b + 1) / batches.size());
                    window.add(step);
                    totals.add(step, stepExamples);
                    stepExamples = 0;

                    TrainerControl control = new TrainerControl();
                    callbacks.forEach(c -> c.onStepEnd(state, control, step));
                    if (control.shouldLog) {
                        ObjectNode row = window.row(state);
                        state.logHistory.add(row);
                        callbacks.forEach(c -> c.onLog(state, row));
                    }
                    boolean saving = args.checkpointing().saveStrategy() != Strategy.NO;
                    if (control.shouldEvaluate && evaluate(evaluator, state, control, callbacks) && saving) {
                        control.shouldSave = true; // the best checkpoint is always kept
                    }
                    if (control.shouldSave || (control.shouldTrainingStop && saving) || stopRequested) {
                        lastCheckpoint = save(session, checkpoints, writer, state, callbacks);
                    }
                    if (stopRequested) {
                        return interrupted(session, state, lastCheckpoint, callbacks);
                    }
                    done = control.shouldTrainingStop;
                }
            }
            callbacks.forEach(c -> c.onTrainEnd(state));
            Path finalModel = writeFinalModel(session, source, checkpoints, state, config);
            writeResults(totals, state, trainData.size());
            return new Result(session.step(), finalModel, lastCheckpoint, false, state.bestMetric);
        }
    }

    /**
     * {@code train_results.json} and {@code all_results.json}, as the summarization example writes them: runtime,
     * samples and steps per second, the mean training loss and the epoch. A resumed run counts from where it resumed.
     */
    private void writeResults(RunTotals totals, TrainerState state, int trainSamples) throws IOException {
        ObjectNode results = totals.results(state.epoch, trainSamples);
        out.println("***** train metrics *****");
        results.fields().forEachRemaining(e -> out.printf("  %-24s = %s%n", e.getKey(), e.getValue().asText()));
        String json = ModelFolder.pretty(results);
        StagingDirectory.writeAtomically(args.outputDir().resolve("train_results.json"), json.getBytes(StandardCharsets.UTF_8));
        StagingDirectory.writeAtomically(args.outputDir().resolve("all_results.json"), json.getBytes(StandardCharsets.UTF_8));
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    /** The run's settings, as transformers records them in the state. */
    private void describeRun(TrainerState state, long maxSteps) {
        state.maxSteps = maxSteps;
        state.loggingSteps = args.loggingSteps();
        state.evalSteps = args.evaluation().evalSteps();
        state.saveSteps = args.checkpointing().saveSteps();
        state.trainBatchSize = args.data().perDeviceTrainBatchSize();
        state.numTrainEpochs = args.schedule().numTrainEpochs();
        state.earlyStoppingPatience = args.evaluation().earlyStoppingPatience();
    }

    /** Runs the evaluation, tells the callbacks, and records a new best; returns whether this one is the best. */
    private boolean evaluate(Evaluator evaluator, TrainerState state, TrainerControl control, List<TrainerCallback> callbacks)
            throws OrtException {
        Map<String, Double> results = evaluator.evaluate();
        String metric = args.evaluation().metricForBestModel();
        Double value = results.get(metric);
        if (value == null) {
            throw new TrainingException("--metric-for-best-model " + metric + " is not among the evaluation metrics "
                    + results.keySet());
        }
        callbacks.forEach(c -> c.onEvaluate(state, control, results));
        boolean better = state.bestMetric == null
                || (args.evaluation().greaterIsBetter() ? value > state.bestMetric : value < state.bestMetric);
        if (better) {
            state.bestMetric = value;
            state.bestGlobalStep = state.globalStep;
            state.bestModelCheckpoint = CheckpointManager.folder(args.outputDir(), state.globalStep).toString();
        }
        return better;
    }

    private Path save(TrainingSession session, CheckpointManager checkpoints, CheckpointManager.Writer writer,
            TrainerState state, List<TrainerCallback> callbacks) throws IOException, OrtException {
        // The dropout stream restarts at every checkpoint, so a run resumed from it draws the same masks.
        session.restartDropout();
        Path dir = CheckpointManager.folder(args.outputDir(), session.step());
        if (state.bestModelCheckpoint != null) {
            checkpoints.markBest(Path.of(state.bestModelCheckpoint));
        }
        try {
            checkpoints.save(writer, session.step(), state.toJson());
        } catch (IOException e) {
            throw new TrainingException("could not write the checkpoint " + dir + " (" + e.getMessage()
                    + "); earlier checkpoints are intact");
        }
        callbacks.forEach(c -> c.onSave(state, dir));
        return dir;
    }

    /** What a checkpoint holds beside the weights and moments, so that {@code from_pretrained(checkpoint)} works. */
    private void writeCheckpointExtras(ModelFolder source, Path staging) throws IOException {
        TokenizerFiles.copyPresent(source.dir(), staging);
        Path generation = source.file(ModelFolder.GENERATION_CONFIG);
        if (Files.exists(generation)) {
            Files.copy(generation, staging.resolve(ModelFolder.GENERATION_CONFIG));
        }
        Files.writeString(staging.resolve("training_args.json"), ModelFolder.pretty(args.toJson()));
    }

    private Result interrupted(TrainingSession session, TrainerState state, Path checkpoint, List<TrainerCallback> callbacks) {
        callbacks.forEach(c -> c.onTrainEnd(state));
        out.printf("stopped at step %d; resume with --resume-from-checkpoint %s%n", session.step(), checkpoint);
        return new Result(session.step(), null, checkpoint, true, state.bestMetric);
    }

    private Path writeFinalModel(TrainingSession session, ModelFolder source, CheckpointManager checkpoints,
            TrainerState state, T5Config config) throws IOException {
        Path finalModel = args.outputDir().resolve(FINAL);
        if (args.checkpointing().loadBestModelAtEnd() && checkpoints.best() != null) {
            out.printf("loading the best checkpoint, %s (%s %.4f)%n", checkpoints.best(),
                    args.evaluation().metricForBestModel(), state.bestMetric);
            fineTuning.writeResults(checkpoints.best(), source, config, args.outputDir(), args.checkpointing());
        } else {
            fineTuning.writeResults(session, source, args.outputDir(), args.checkpointing());
        }
        out.printf("wrote the final model to %s%n", finalModel);
        return finalModel;
    }

    private void prepareOutputDir(Path output) throws IOException {
        boolean resuming = args.checkpointing().resumeFromCheckpoint() != null;
        boolean overwrite = args.checkpointing().overwriteOutputDir();
        StagingDirectory.recoverLeftovers(output).forEach(out::println);
        if (!resuming && Files.exists(output) && !overwrite) {
            try (var entries = Files.list(output)) {
                if (entries.findAny().isPresent()) {
                    boolean startedOnly = CheckpointManager.list(output).isEmpty() && Files.exists(output.resolve(METRICS));
                    throw new TrainingException(output + " already exists and is not empty" + (startedOnly
                            ? ": an earlier run stopped before its first checkpoint, so there is nothing to resume (pass "
                                    + "--overwrite-output-dir to start again)"
                            : " (pass --overwrite-output-dir to train into it, or --resume-from-checkpoint to continue a run)"));
                }
            }
        }
        Files.createDirectories(output);
        if (overwrite && !resuming) {
            for (Path old : CheckpointManager.list(output)) {
                StagingDirectory.deleteRecursively(old);
            }
        }
    }

    /** {@code --resume-from-checkpoint DIR}, or {@code latest} for the run's newest checkpoint. */
    private SavedCheckpoint resolveCheckpoint(Path output) throws IOException {
        Path dir = args.checkpointing().resumeFromCheckpoint();
        if (dir.toString().equals("latest")) {
            List<Path> all = CheckpointManager.list(output);
            if (all.isEmpty()) {
                throw new TrainingException("--resume-from-checkpoint latest: no checkpoint in " + output);
            }
            dir = all.get(all.size() - 1);
        }
        return fineTuning.readCheckpoint(dir, ModelFolder.open(args.model()));
    }

    private Dataset readDataset(Path file, String role) {
        TrainingArguments.Data data = args.data();
        Dataset d = Dataset.read(file, new ColumnRequest(data.textColumn(), data.summaryColumn()));
        out.printf("%s data: %s (%s)%n", role, d.stats().describe(), d.columns().describe());
        if (d.examples().isEmpty()) {
            throw new TrainingException(file + ": no usable examples");
        }
        return d;
    }

    private List<TokenizedExample> report(String role, Preprocessor.Result result) {
        if (result.truncatedSources() > 0 || result.truncatedTargets() > 0) {
            out.printf("%s data: %d sources truncated to %d tokens, %d summaries to %d%n", role, result.truncatedSources(),
                    args.data().source().maxSourceLength(), result.truncatedTargets(), args.data().maxTargetLength());
        }
        return result.examples();
    }

    private static List<SummarizationExample> limit(List<SummarizationExample> examples, int max) {
        return max > 0 && max < examples.size() ? examples.subList(0, max) : examples;
    }

    /**
     * The final model's config says how its sources were put (prefix, or template), so summarize, evaluate and serve
     * put theirs the same way.
     */
    private static T5Config withSource(T5Config config, SourceSettings source) {
        ObjectNode json = config.json().deepCopy();
        ObjectNode task = json.withObjectProperty("task_specific_params").withObjectProperty("summarization");
        task.put("prefix", source.prefix());
        if (source.template() != null) {
            json.put(GenerationDefaults.SOURCE_TEMPLATE, source.template());
        } else {
            json.remove(GenerationDefaults.SOURCE_TEMPLATE);
        }
        return T5Config.parse(json.toString(), "config.json");
    }

    static double round(double epoch) {
        return Math.round(epoch * 10000) / 10000.0;
    }

    /** What this run (since it started or resumed) did, for the results files. */
    private static final class RunTotals {
        private final long startNanos = System.nanoTime();
        private final long firstStep;
        private double lossSum;
        private long steps;
        private long samples;

        RunTotals(long firstStep) {
            this.firstStep = firstStep;
        }

        void add(TrainerCallback.StepOutcome step, long stepSamples) {
            lossSum += step.loss();
            steps++;
            samples += stepSamples;
        }

        ObjectNode results(double epoch, int trainSamples) {
            double runtime = (System.nanoTime() - startNanos) / 1e9;
            ObjectNode json = MetricsLog.row();
            json.put("epoch", round(epoch));
            json.put("train_loss", steps == 0 ? 0 : lossSum / steps);
            json.put("train_runtime", Math.round(runtime * 1e4) / 1e4);
            json.put("train_samples", trainSamples);
            json.put("train_samples_per_second", Math.round(samples / runtime * 1e3) / 1e3);
            json.put("train_steps_per_second", Math.round(steps / runtime * 1e3) / 1e3);
            if (firstStep > 0) {
                json.put("resumed_from_step", firstStep);
            }
            return json;
        }
    }

    /** The optimizer steps since the last logged row: a row's loss is their mean, as the Trainer logs it. */
    private static final class LogWindow {
        private double lossSum;
        private int steps;
        private TrainerCallback.StepOutcome last;

        void add(TrainerCallback.StepOutcome step) {
            lossSum += step.loss();
            steps++;
            last = step;
        }

        ObjectNode row(TrainerState state) {
            ObjectNode row = MetricsLog.row();
            row.put("step", state.globalStep);
            row.put("epoch", round(state.epoch));
            row.put("loss", lossSum / steps);
            row.put("learning_rate", last.learningRate());
            row.put("grad_norm", last.gradNorm());
            lossSum = 0;
            steps = 0;
            return row;
        }
    }
}

package dev.summarizer.training.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.summarizer.training.artifacts.AdamWSettings;
import dev.summarizer.generate.EarlyStopping;
import dev.summarizer.generate.GenerationSettings;
import dev.summarizer.generate.ModelTokenizer;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.T5Config;
import dev.summarizer.model.T5Weights;
import dev.summarizer.model.TokenizerFiles;
import dev.summarizer.training.data.ColumnRequest;
import dev.summarizer.training.data.Dataset;
import dev.summarizer.training.data.SummarizationExample;
import dev.summarizer.training.session.LearningRateSchedule;
import dev.summarizer.training.session.NonFiniteLossException;
import dev.summarizer.training.session.TrainingCheckpoint;
import dev.summarizer.training.session.TrainingSession;
import dev.summarizer.training.session.TrainingSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The fine-tuning loop, with the Hugging Face Trainer's semantics: epochs of shuffled (or file-order)
 * micro-batches, gradient accumulation, a warmup schedule, AdamW with clipping, periodic logging,
 * evaluation, checkpoints (the best kept, at most {@code save_total_limit} others), early stopping, and the
 * final model folder in {@code OUTPUT_DIR/final}.
 *
 * <p>A run resumed from one of its checkpoints continues exactly: the data order of an epoch depends only on
 * the seed and the epoch, the checkpoint records where in the epoch it stopped, and the dropout stream
 * restarts at every checkpoint from the seed and the step.
 */
public final class Trainer {
    public static final String METRICS = "metrics.jsonl";
    public static final String FINAL = "final";

    private final TrainingArguments args;
    private final PrintStream out;
    private volatile boolean stopRequested;
    /** Wraps the checkpoint writer; tests use it to make a save fail as a full disk does. */
    java.util.function.UnaryOperator<CheckpointManager.Writer> checkpointWriter = writer -> writer;

    public Trainer(TrainingArguments args, PrintStream out) {
        this.args = args;
        this.out = out;
    }

    /** How a run ended. */
    public record Result(long steps, Path finalModel, Path lastCheckpoint, boolean interrupted, Double bestMetric) {}

    /** Asks the loop to stop after the current micro-batch, save a resumable checkpoint and return. */
    public void requestStop() {
        stopRequested = true;
    }

    public Result run() throws Exception {
        ModelFolder source = ModelFolder.open(args.model());
        Path output = args.outputDir();
        prepareOutputDir(output);
        TrainingCheckpoint resumeFrom = args.resumeFromCheckpoint() == null ? null : resolveCheckpoint(output);

        T5Config config = source.readConfig();
        if (args.dropout() != null) {
            config = config.withDropoutRate(args.dropout());
        }
        config = withSummarizationPrefix(config, args.sourcePrefix());
        T5Weights initial = resumeFrom != null ? null : source.readWeights(config);

        Dataset train = readDataset(args.train(), "training");
        Dataset validation = args.validation() == null ? null : readDataset(args.validation(), "validation");
        try (ModelTokenizer tokenizer = ModelTokenizer.open(source.file(TokenizerFiles.TOKENIZER_JSON))) {
            Preprocessor preprocessor = new Preprocessor(tokenizer, args.sourcePrefix(), args.maxSourceLength(), args.maxTargetLength());
            List<SummarizationExample> trainExamples = limit(train.examples(), args.maxTrainSamples());
            List<TokenizedExample> trainData = report("training", preprocessor.tokenize(trainExamples));
            Evaluator evaluator = null;
            if (validation != null) {
                List<SummarizationExample> evalExamples = limit(validation.examples(), args.maxEvalSamples());
                GenerationSettings generation = new GenerationSettings(args.generationMaxLength(), 0, args.generationNumBeams(),
                        1.0, EarlyStopping.FALSE, 0, args.sourcePrefix(), args.maxSourceLength());
                evaluator = new Evaluator(evalExamples, report("validation", preprocessor.tokenize(evalExamples)),
                        args.perDeviceEvalBatchSize(), config.padTokenId(), tokenizer, generation,
                        args.generationEvalSamples(), args.device(), args.threads());
            }
            return loop(source, config, initial, resumeFrom, trainData, evaluator);
        }
    }

    private Result loop(ModelFolder source, T5Config config, T5Weights initial, TrainingCheckpoint resumeFrom,
            List<TokenizedExample> trainData, Evaluator evaluator) throws Exception {
        Path output = args.outputDir();
        int microBatchesPerEpoch = (trainData.size() + args.perDeviceTrainBatchSize() - 1) / args.perDeviceTrainBatchSize();
        int accumulation = args.gradientAccumulationSteps();
        long updatesPerEpoch = Math.max(1, (microBatchesPerEpoch + accumulation - 1) / accumulation);
        long maxSteps = args.maxSteps() > 0 ? args.maxSteps() : (long) Math.ceil(args.numTrainEpochs() * updatesPerEpoch);
        long warmup = args.warmupSteps() > 0 ? args.warmupSteps() : (long) Math.ceil(args.warmupRatio() * maxSteps);
        LearningRateSchedule schedule = new LearningRateSchedule(args.lrSchedulerType(), args.learningRate(), warmup, maxSteps);
        TrainingSettings settings = new TrainingSettings(config.dropoutRate(), args.seed(), args.labelSmoothingFactor(),
                new AdamWSettings(args.adamBeta1(), args.adamBeta2(), args.adamEpsilon(), args.weightDecay()), args.maxGradNorm());

        out.printf("training %s: %d examples, %d micro-batches of %d per epoch, %d accumulated per step; %d steps, warmup %d%n",
                args.model(), trainData.size(), microBatchesPerEpoch, args.perDeviceTrainBatchSize(), accumulation, maxSteps, warmup);

        RunState state = resumeFrom != null ? RunState.from(resumeFrom.trainerState()) : new RunState();
        try (TrainingSession session = resumeFrom != null
                ? TrainingSession.resume(resumeFrom, settings, args.device(), args.threads())
                : TrainingSession.create(initial, settings, args.device(), args.threads());
                MetricsLog metrics = resumeFrom != null
                        ? MetricsLog.resume(output.resolve(METRICS), resumeFrom.step())
                        : MetricsLog.create(output.resolve(METRICS))) {
            CheckpointManager checkpoints = new CheckpointManager(output, args.saveTotalLimit(),
                    state.bestCheckpoint == null ? null : output.resolve(state.bestCheckpoint));
            CheckpointManager.Writer writer = checkpointWriter.apply(session::saveCheckpoint);
            if (resumeFrom != null) {
                out.printf("resumed from %s at step %d (epoch %d, micro-batch %d)%n", resumeFrom.dir(), session.step(),
                        state.epoch, state.batchInEpoch);
            }
            ProgressBar progress = new ProgressBar(out, maxSteps, session.step());
            Path lastCheckpoint = null;
            double logLossSum = 0;
            int logSteps = 0;
            double stepLossSum = 0;
            int stepMicroBatches = 0;
            boolean done = session.step() >= maxSteps;

            while (!done) {
                List<int[]> batches = BatchOrder.batches(trainData, args.perDeviceTrainBatchSize(), args.shuffle(),
                        args.groupByLength(), args.seed(), state.epoch);
                for (int b = state.batchInEpoch; b < batches.size() && !done; b++) {
                    double loss;
                    try {
                        loss = session.trainStep(Collator.collate(trainData, batches.get(b), config.padTokenId()));
                    } catch (NonFiniteLossException e) {
                        progress.finish();
                        String kept = lastCheckpoint != null ? "; the last good checkpoint is " + lastCheckpoint : "";
                        throw new TrainingException(e.getMessage() + kept);
                    }
                    stepLossSum += loss;
                    stepMicroBatches++;
                    boolean endOfEpoch = b == batches.size() - 1;
                    if (stepMicroBatches == accumulation || endOfEpoch) {
                        double rate = schedule.rate(session.step());
                        TrainingSession.OptimizerStep step = session.optimizerStep(rate, 1.0 / accumulation);
                        double stepLoss = stepLossSum / stepMicroBatches;
                        stepLossSum = 0;
                        stepMicroBatches = 0;
                        state.batchInEpoch = endOfEpoch ? 0 : b + 1;
                        state.epoch = endOfEpoch ? state.epoch + 1 : state.epoch;
                        double epoch = state.epoch + (double) state.batchInEpoch / batches.size();
                        logLossSum += stepLoss;
                        logSteps++;
                        progress.update(step.step(), stepLoss, rate);
                        if (step.step() % args.loggingSteps() == 0 || step.step() == maxSteps) {
                            ObjectNode row = MetricsLog.row();
                            row.put("step", step.step());
                            row.put("epoch", round(epoch));
                            row.put("loss", logLossSum / logSteps);
                            row.put("learning_rate", rate);
                            row.put("grad_norm", step.gradNorm());
                            metrics.write(row);
                            logLossSum = 0;
                            logSteps = 0;
                        }
                        done = step.step() >= maxSteps;
                        boolean evalNow = evaluator != null
                                && ((args.evalSteps() > 0 && step.step() % args.evalSteps() == 0) || (args.evalSteps() <= 0 && endOfEpoch)
                                        || done);
                        boolean newBest = false;
                        if (evalNow) {
                            newBest = evaluate(evaluator, session, metrics, state, epoch, progress);
                            if (args.earlyStoppingPatience() > 0 && state.evalsWithoutImprovement >= args.earlyStoppingPatience()) {
                                progress.message(String.format("early stopping: %s did not improve for %d evaluations",
                                        args.metricForBestModel(), state.evalsWithoutImprovement));
                                done = true;
                            }
                        }
                        boolean saveNow = (args.saveSteps() > 0 && step.step() % args.saveSteps() == 0) || newBest || done || stopRequested;
                        if (saveNow) {
                            lastCheckpoint = save(session, checkpoints, writer, state, newBest, progress);
                        }
                        if (stopRequested) {
                            progress.finish();
                            out.printf("stopped at step %d; resume with --resume-from-checkpoint %s%n", step.step(), lastCheckpoint);
                            return new Result(step.step(), null, lastCheckpoint, true, state.bestMetric);
                        }
                    } else if (stopRequested) {
                        // Mid-accumulation: the pending micro-batches are dropped; the checkpoint is the last step's.
                        progress.finish();
                        session.discardPendingGradients();
                        state.batchInEpoch = b + 1 - stepMicroBatches;
                        lastCheckpoint = save(session, checkpoints, writer, state, false, progress);
                        out.printf("stopped at step %d; resume with --resume-from-checkpoint %s%n", session.step(), lastCheckpoint);
                        return new Result(session.step(), null, lastCheckpoint, true, state.bestMetric);
                    }
                }
            }
            progress.finish();

            Path finalModel = output.resolve(FINAL);
            if (args.loadBestModelAtEnd() && checkpoints.best() != null) {
                out.printf("loading the best checkpoint, %s (%s %.4f)%n", checkpoints.best(), args.metricForBestModel(), state.bestMetric);
                TrainingCheckpoint best = TrainingCheckpoint.read(checkpoints.best(), config);
                dev.summarizer.export.OnnxExport.exportFolder(best.weights(), source, finalModel, line -> {});
            } else {
                session.exportModel(finalModel, source);
            }
            out.printf("wrote the final model to %s%n", finalModel);
            return new Result(session.step(), finalModel, lastCheckpoint, false, state.bestMetric);
        }
    }

    /** Runs the evaluation, logs it, and updates the best metric; returns whether this one is the best. */
    private boolean evaluate(Evaluator evaluator, TrainingSession session, MetricsLog metrics, RunState state, double epoch,
            ProgressBar progress) throws Exception {
        Map<String, Double> results = evaluator.evaluate(session);
        ObjectNode row = MetricsLog.row();
        row.put("step", session.step());
        row.put("epoch", round(epoch));
        results.forEach(row::put);
        metrics.write(row);
        StringBuilder line = new StringBuilder("eval at step " + session.step() + ":");
        results.forEach((k, v) -> line.append(String.format(" %s %.4f", k, v)));
        progress.message(line.toString());
        Double value = results.get(args.metricForBestModel());
        if (value == null) {
            throw new TrainingException("--metric-for-best-model " + args.metricForBestModel() + " is not among the evaluation metrics "
                    + results.keySet());
        }
        boolean better = state.bestMetric == null || (args.greaterIsBetter() ? value > state.bestMetric : value < state.bestMetric);
        if (better) {
            state.bestMetric = value;
            state.evalsWithoutImprovement = 0;
        } else {
            state.evalsWithoutImprovement++;
        }
        return better;
    }

    private Path save(TrainingSession session, CheckpointManager checkpoints, CheckpointManager.Writer writer, RunState state,
            boolean best, ProgressBar progress) throws IOException {
        // The dropout stream restarts at every checkpoint, so a run resumed from it draws the same masks.
        try {
            session.restartDropout();
        } catch (ai.onnxruntime.OrtException e) {
            throw new IOException(e);
        }
        Path dir = CheckpointManager.folder(args.outputDir(), session.step());
        if (best) {
            state.bestCheckpoint = dir.getFileName().toString();
            checkpoints.markBest(dir);
        }
        ObjectNode json = state.toJson();
        json.set("training_args", args.toJson());
        try {
            checkpoints.save(writer, session.step(), json);
        } catch (IOException e) {
            throw new TrainingException("could not write the checkpoint " + dir + " (" + e.getMessage()
                    + "); earlier checkpoints are intact");
        }
        progress.message("saved " + dir);
        return dir;
    }

    private void prepareOutputDir(Path output) throws IOException {
        if (args.resumeFromCheckpoint() == null && Files.exists(output) && !args.overwriteOutputDir()) {
            try (var entries = Files.list(output)) {
                if (entries.findAny().isPresent()) {
                    throw new TrainingException(output + " already exists and is not empty (pass --overwrite-output-dir to "
                            + "train into it, or --resume-from-checkpoint to continue a run)");
                }
            }
        }
        Files.createDirectories(output);
        if (args.overwriteOutputDir() && args.resumeFromCheckpoint() == null) {
            for (Path old : CheckpointManager.list(output)) {
                dev.summarizer.model.StagingDirectory.deleteRecursively(old);
            }
        }
    }

    /** {@code --resume-from-checkpoint DIR}, or {@code latest} for the run's newest checkpoint. */
    private TrainingCheckpoint resolveCheckpoint(Path output) throws IOException {
        Path dir = args.resumeFromCheckpoint();
        if (dir.toString().equals("latest")) {
            List<Path> all = CheckpointManager.list(output);
            if (all.isEmpty()) {
                throw new TrainingException("--resume-from-checkpoint latest: no checkpoint in " + output);
            }
            dir = all.get(all.size() - 1);
        }
        return TrainingCheckpoint.read(dir, ModelFolder.open(args.model()).readConfig());
    }

    private Dataset readDataset(Path file, String role) {
        Dataset d = Dataset.read(file, new ColumnRequest(args.textColumn(), args.summaryColumn()));
        out.printf("%s data: %s (%s)%n", role, d.stats().describe(), d.columns().describe());
        if (d.examples().isEmpty()) {
            throw new TrainingException(file + ": no usable examples");
        }
        return d;
    }

    private List<TokenizedExample> report(String role, Preprocessor.Result result) {
        if (result.truncatedSources() > 0 || result.truncatedTargets() > 0) {
            out.printf("%s data: %d sources truncated to %d tokens, %d summaries to %d%n", role, result.truncatedSources(),
                    args.maxSourceLength(), result.truncatedTargets(), args.maxTargetLength());
        }
        return result.examples();
    }

    private static List<SummarizationExample> limit(List<SummarizationExample> examples, int max) {
        return max > 0 && max < examples.size() ? examples.subList(0, max) : examples;
    }

    /** The final model's config says which prefix it was trained with, so summarize and serve apply it. */
    private static T5Config withSummarizationPrefix(T5Config config, String prefix) {
        ObjectNode json = config.json().deepCopy();
        ObjectNode task = json.withObjectProperty("task_specific_params").withObjectProperty("summarization");
        task.put("prefix", prefix);
        return T5Config.parse(json.toString(), "config.json");
    }

    private static double round(double epoch) {
        return Math.round(epoch * 10000) / 10000.0;
    }

    /** Where the run is, recorded in checkpoints. */
    private static final class RunState {
        int epoch;
        int batchInEpoch;
        Double bestMetric;
        String bestCheckpoint;
        int evalsWithoutImprovement;

        ObjectNode toJson() {
            ObjectNode json = MetricsLog.row();
            json.put("epoch", epoch);
            json.put("batch_in_epoch", batchInEpoch);
            if (bestMetric != null) {
                json.put("best_metric", bestMetric);
            }
            json.put("best_checkpoint", bestCheckpoint);
            json.put("evals_without_improvement", evalsWithoutImprovement);
            return json;
        }

        static RunState from(JsonNode json) {
            RunState s = new RunState();
            s.epoch = json.path("epoch").asInt();
            s.batchInEpoch = json.path("batch_in_epoch").asInt();
            s.bestMetric = json.hasNonNull("best_metric") ? json.get("best_metric").asDouble() : null;
            s.bestCheckpoint = json.hasNonNull("best_checkpoint") ? json.get("best_checkpoint").asText() : null;
            s.evalsWithoutImprovement = json.path("evals_without_improvement").asInt();
            return s;
        }
    }
}

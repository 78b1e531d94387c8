package dev.summarizer.training.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.summarizer.generate.SourceSettings;
import dev.summarizer.runtime.Device;
import dev.summarizer.training.artifacts.AdamWSettings;
import dev.summarizer.training.session.LearningRateSchedule;
import dev.summarizer.export.quantize.QuantizationSpec;
import java.nio.file.Path;
import java.util.List;
import dev.summarizer.Json;

/**
 * Everything a training run is configured with, grouped by what each part is for, named after transformers'
 * Seq2SeqTrainingArguments and the summarization example's data arguments. Built in one place, from the command
 * line ({@code TrainCommand.parse}).
 *
 * @param model the model folder training starts from
 * @param dropout null keeps the configuration's dropout_rate
 * @param loggingSteps a metrics row every this many optimizer steps (strategy {@code steps})
 */
public record TrainingArguments(
        Path model,
        Data data,
        Optimizer optimizer,
        Schedule schedule,
        Evaluation evaluation,
        Checkpointing checkpointing,
        Strategy loggingStrategy,
        long loggingSteps,
        ReportTo reportTo,
        long seed,
        Double dropout,
        double labelSmoothingFactor,
        Device device,
        int threads) {

    /** Where the curves also go, besides metrics.jsonl and curves.png. */
    public enum ReportTo { NONE, TENSORBOARD }

    /**
     * What is trained on and how it is cut into micro-batches.
     *
     * @param validation null for a run without evaluation
     * @param textColumn null detects it from the file's columns
     * @param maxTrainSamples 0 for all; likewise maxEvalSamples
     */
    public record Data(
            Path train,
            Path validation,
            String textColumn,
            String summaryColumn,
            SourceSettings source,
            int maxTargetLength,
            int perDeviceTrainBatchSize,
            int gradientAccumulationSteps,
            boolean shuffle,
            boolean groupByLength,
            int maxTrainSamples,
            int maxEvalSamples) {}

    /** torch's AdamW and the global-norm clipping before it; {@code maxGradNorm} 0 or less clips nothing. */
    public record Optimizer(
            double learningRate,
            double weightDecay,
            double adamBeta1,
            double adamBeta2,
            double adamEpsilon,
            double maxGradNorm) {

        public AdamWSettings adamW() {
            return new AdamWSettings(adamBeta1, adamBeta2, adamEpsilon, weightDecay);
        }
    }

    /**
     * How long the run is and how the learning rate moves.
     *
     * @param numTrainEpochs used when {@code maxSteps} is not positive
     * @param warmupSteps wins over {@code warmupRatio} when positive
     */
    public record Schedule(
            LearningRateSchedule.Kind lrSchedulerType,
            long warmupSteps,
            double warmupRatio,
            double numTrainEpochs,
            long maxSteps) {}

    /**
     * When and how the validation set is scored, and what counts as the best model.
     *
     * @param evalSteps with strategy {@code steps}, evaluate every this many optimizer steps
     * @param metricForBestModel {@code eval_loss} or an {@code eval_rouge*}
     * @param earlyStoppingPatience evaluations without improvement before stopping; 0 never stops early
     * @param predictWithGenerate whether evaluations generate summaries for ROUGE (else only the loss)
     * @param generationEvalSamples validation examples summarized for ROUGE at each evaluation
     * @param generationMaxLength new tokens per generated summary (default max_target_length)
     */
    public record Evaluation(
            Strategy strategy,
            long evalSteps,
            int perDeviceEvalBatchSize,
            String metricForBestModel,
            boolean greaterIsBetter,
            int earlyStoppingPatience,
            boolean predictWithGenerate,
            int generationEvalSamples,
            int generationMaxLength,
            int generationNumBeams) {}

    /**
     * Where the run writes and what it keeps.
     *
     * @param saveStrategy besides it, a checkpoint at the end and at each new best evaluation (unless {@code no})
     * @param saveSteps with strategy {@code steps}, a checkpoint every this many optimizer steps
     * @param saveTotalLimit 0 keeps every checkpoint; the best one is always kept
     * @param resumeFromCheckpoint a checkpoint folder, {@code latest}, or null for a fresh run
     * @param maxShardBytes the final model's weights go in shards of at most this
     * @param finalQuantizations the quantized files final/'s export writes beside the float32 ones
     */
    public record Checkpointing(
            Path outputDir,
            boolean overwriteOutputDir,
            Strategy saveStrategy,
            long saveSteps,
            int saveTotalLimit,
            boolean loadBestModelAtEnd,
            Path resumeFromCheckpoint,
            long maxShardBytes,
            List<QuantizationSpec> finalQuantizations) {}

    public Path outputDir() {
        return checkpointing.outputDir();
    }

    /** The arguments as JSON ({@code training_args.json} in every checkpoint). */
    public ObjectNode toJson() {
        return Json.MAPPER.valueToTree(this);
    }
}

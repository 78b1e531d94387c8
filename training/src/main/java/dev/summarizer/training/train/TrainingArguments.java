package dev.summarizer.training.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.summarizer.runtime.Device;
import dev.summarizer.training.session.LearningRateSchedule;
import java.nio.file.Path;

/**
 * Everything a training run is configured with, named after transformers' Seq2SeqTrainingArguments and the
 * summarization example's data arguments.
 *
 * @param numTrainEpochs used when {@code maxSteps} is not positive
 * @param warmupSteps wins over {@code warmupRatio} when positive
 * @param evalSteps 0 evaluates at the end of each epoch
 * @param saveSteps 0 saves only at the end (and when a new best evaluation happens)
 * @param saveTotalLimit 0 keeps every checkpoint; the best one is always kept
 * @param earlyStoppingPatience evaluations without improvement before stopping; 0 never stops early
 * @param dropout null keeps the configuration's dropout_rate
 * @param textColumn null detects it from the file's columns
 * @param maxTrainSamples 0 for all; likewise maxEvalSamples
 * @param generationEvalSamples validation examples summarized for ROUGE at each evaluation; 0 for none
 * @param generationMaxLength new tokens per generated summary (default max_target_length)
 */
public record TrainingArguments(
        Path model,
        Path train,
        Path validation,
        Path outputDir,
        boolean overwriteOutputDir,
        double learningRate,
        double weightDecay,
        double adamBeta1,
        double adamBeta2,
        double adamEpsilon,
        double maxGradNorm,
        long warmupSteps,
        double warmupRatio,
        LearningRateSchedule.Kind lrSchedulerType,
        double numTrainEpochs,
        long maxSteps,
        int perDeviceTrainBatchSize,
        int perDeviceEvalBatchSize,
        int gradientAccumulationSteps,
        long evalSteps,
        long saveSteps,
        int saveTotalLimit,
        int earlyStoppingPatience,
        String metricForBestModel,
        boolean greaterIsBetter,
        boolean loadBestModelAtEnd,
        long loggingSteps,
        long seed,
        Double dropout,
        double labelSmoothingFactor,
        String sourcePrefix,
        int maxSourceLength,
        int maxTargetLength,
        String textColumn,
        String summaryColumn,
        boolean shuffle,
        boolean groupByLength,
        Device device,
        int threads,
        int maxTrainSamples,
        int maxEvalSamples,
        int generationEvalSamples,
        int generationMaxLength,
        int generationNumBeams,
        Path resumeFromCheckpoint) {

    /** The arguments as JSON, recorded in every checkpoint. */
    public ObjectNode toJson() {
        ObjectNode json = new ObjectMapper().valueToTree(this);
        json.put("model", model.toString());
        json.put("train", train.toString());
        json.put("validation", validation == null ? null : validation.toString());
        json.put("output_dir", outputDir.toString());
        json.remove("outputDir");
        json.put("resumeFromCheckpoint", resumeFromCheckpoint == null ? null : resumeFromCheckpoint.toString());
        return json;
    }
}

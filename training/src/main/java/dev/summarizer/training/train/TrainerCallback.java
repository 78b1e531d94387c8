package dev.summarizer.training.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Map;

/**
 * A hook into the training loop, as transformers' {@code TrainerCallback}s are: each sees the state at a point of the
 * loop and may set on the control what the loop does next (log, evaluate, save, stop).
 */
interface TrainerCallback {
    /** What an optimizer step did: its number, the mean loss of its micro-batches, the rate used, the norm before clipping. */
    record StepOutcome(long step, double loss, double learningRate, double gradNorm) {}

    default void onStepEnd(TrainerState state, TrainerControl control, StepOutcome step) {}

    /** A training row was logged ({@code step}, {@code epoch}, {@code loss}, {@code learning_rate}, {@code grad_norm}). */
    default void onLog(TrainerState state, ObjectNode row) {}

    /** An evaluation ran; {@code metrics} are {@code eval_loss} and, with generation, ROUGE and {@code eval_gen_len}. */
    default void onEvaluate(TrainerState state, TrainerControl control, Map<String, Double> metrics) {}

    default void onSave(TrainerState state, Path checkpoint) {}

    /** The loop ended (done, stopped early or interrupted). */
    default void onTrainEnd(TrainerState state) {}
}

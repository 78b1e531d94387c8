package dev.summarizer.training.train;

/** What the loop does after an optimizer step, as transformers' {@code TrainerControl}: callbacks set these flags. */
final class TrainerControl {
    boolean shouldLog;
    boolean shouldEvaluate;
    boolean shouldSave;
    boolean shouldTrainingStop;
}

package dev.summarizer.training.train;

import java.nio.file.Path;

/** Keeps the progress line up to date: step, loss, rate and time left after every optimizer step. */
final class ProgressCallback implements TrainerCallback {
    private final ProgressBar progress;

    ProgressCallback(ProgressBar progress) {
        this.progress = progress;
    }

    @Override
    public void onStepEnd(TrainerState state, TrainerControl control, StepOutcome step) {
        progress.update(step.step(), step.loss(), step.learningRate());
    }

    @Override
    public void onSave(TrainerState state, Path checkpoint) {
        progress.message("saved " + checkpoint);
    }

    @Override
    public void onTrainEnd(TrainerState state) {
        progress.finish();
    }
}

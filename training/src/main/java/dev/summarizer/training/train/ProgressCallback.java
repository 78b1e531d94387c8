package dev.summarizer.training.train;

import dev.summarizer.Progress;
import java.nio.file.Path;
import java.util.Locale;

/** Keeps the progress line up to date: step, loss, rate and time left after every optimizer step. */
final class ProgressCallback implements TrainerCallback {
    private final Progress progress;

    ProgressCallback(Progress progress) {
        this.progress = progress;
    }

    @Override
    public void onStepEnd(TrainerState state, TrainerControl control, StepOutcome step) {
        progress.update(step.step(), String.format(Locale.ROOT, "loss %.4f, lr %.2e", step.loss(), step.learningRate()));
    }

    @Override
    public void onSave(TrainerState state, Path checkpoint) {
        progress.line("saved " + checkpoint);
    }

    @Override
    public void onTrainEnd(TrainerState state) {
        progress.end();
    }
}

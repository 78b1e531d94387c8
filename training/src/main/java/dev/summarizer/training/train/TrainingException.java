package dev.summarizer.training.train;

import dev.summarizer.SummarizerException;

/** A training run that cannot start or go on (its output folder, its checkpoints, its settings). */
public class TrainingException extends SummarizerException {
    public TrainingException(String message) {
        super(message);
    }
}

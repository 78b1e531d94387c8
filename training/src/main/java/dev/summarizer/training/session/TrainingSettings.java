package dev.summarizer.training.session;

import dev.summarizer.training.artifacts.AdamWSettings;

/**
 * What the training graphs and the optimizer are built with.
 *
 * @param dropout the dropout rate of the training model (0 turns it off)
 * @param seed seeds dropout (and, in the trainer, shuffling)
 * @param labelSmoothing transformers' label_smoothing_factor
 * @param maxGradNorm global-norm clipping threshold; 0 or less for none
 */
public record TrainingSettings(double dropout, long seed, double labelSmoothing, AdamWSettings adamW, double maxGradNorm) {

    public TrainingSettings {
        if (dropout < 0 || dropout >= 1) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        if (labelSmoothing < 0 || labelSmoothing >= 1) {
            throw new IllegalArgumentException("label smoothing must be in [0, 1), got " + labelSmoothing);
        }
    }
}

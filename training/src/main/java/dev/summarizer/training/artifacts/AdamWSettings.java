package dev.summarizer.training.artifacts;

/** torch AdamW's hyperparameters, baked into the optimizer model (the learning rate is an input per step). */
public record AdamWSettings(double beta1, double beta2, double epsilon, double weightDecay) {

    public static AdamWSettings defaults() {
        return new AdamWSettings(0.9, 0.999, 1e-8, 0.0);
    }
}

package dev.summarizer.training.session;

import dev.summarizer.SummarizerException;

/** The loss of a training step was NaN or infinite: training cannot go on from these parameters. */
public class NonFiniteLossException extends SummarizerException {
    private final long step;

    public NonFiniteLossException(long step, double loss) {
        super("the loss became " + loss + " at step " + step + " (try a lower --learning-rate, or --max-grad-norm)");
        this.step = step;
    }

    public long step() {
        return step;
    }
}

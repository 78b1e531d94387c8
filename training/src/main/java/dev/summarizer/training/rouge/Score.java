package dev.summarizer.training.rouge;

/** Precision, recall and their harmonic mean, each in [0, 1]. */
public record Score(double precision, double recall, double fmeasure) {
    public static final Score ZERO = new Score(0, 0, 0);

    /** rouge_score's {@code scoring.fmeasure}: 2pr / (p + r), and 0 when both are 0. */
    public static Score of(double precision, double recall) {
        double f = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
        return new Score(precision, recall, f);
    }
}

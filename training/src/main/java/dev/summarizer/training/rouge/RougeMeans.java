package dev.summarizer.training.rouge;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The mean F-measure of each ROUGE type over a corpus, in [0, 1]. Hugging Face's {@code evaluate} reports the
 * median of bootstrap resamples of this mean, which moves with its random seed; the plain mean does not.
 */
public record RougeMeans(double rouge1, double rouge2, double rougeL, double rougeLsum) {
    public static RougeMeans of(Collection<RougeScores> scores) {
        if (scores.isEmpty()) {
            throw new IllegalArgumentException("no scores to average");
        }
        double r1 = 0;
        double r2 = 0;
        double rl = 0;
        double rlsum = 0;
        for (RougeScores s : scores) {
            r1 += s.rouge1().fmeasure();
            r2 += s.rouge2().fmeasure();
            rl += s.rougeL().fmeasure();
            rlsum += s.rougeLsum().fmeasure();
        }
        int n = scores.size();
        return new RougeMeans(r1 / n, r2 / n, rl / n, rlsum / n);
    }

    /** {"rouge1", "rouge2", "rougeL", "rougeLsum"}, in that order. */
    public Map<String, Double> byName() {
        Map<String, Double> named = new LinkedHashMap<>();
        named.put("rouge1", rouge1);
        named.put("rouge2", rouge2);
        named.put("rougeL", rougeL);
        named.put("rougeLsum", rougeLsum);
        return named;
    }
}

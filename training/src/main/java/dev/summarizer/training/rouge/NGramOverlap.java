package dev.summarizer.training.rouge;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** ROUGE-N: the n-grams the prediction shares with the reference, each counted at most as often as in both. */
final class NGramOverlap {
    private NGramOverlap() {}

    static Score score(List<String> reference, List<String> prediction, int n) {
        Map<String, Integer> inReference = counts(reference, n);
        Map<String, Integer> inPrediction = counts(prediction, n);
        int overlap = 0;
        for (Map.Entry<String, Integer> e : inReference.entrySet()) {
            overlap += Math.min(e.getValue(), inPrediction.getOrDefault(e.getKey(), 0));
        }
        int referenceCount = Math.max(reference.size() - n + 1, 0);
        int predictionCount = Math.max(prediction.size() - n + 1, 0);
        // Dividing by at least 1 is rouge_score's convention: no n-grams on a side gives 0, not NaN.
        return Score.of((double) overlap / Math.max(predictionCount, 1), (double) overlap / Math.max(referenceCount, 1));
    }

    /** Tokens are [a-z0-9]+, so joining them with spaces names each n-gram unambiguously. */
    private static Map<String, Integer> counts(List<String> tokens, int n) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i + n <= tokens.size(); i++) {
            counts.merge(String.join(" ", tokens.subList(i, i + n)), 1, Integer::sum);
        }
        return counts;
    }
}

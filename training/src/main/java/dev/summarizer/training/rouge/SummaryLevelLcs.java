package dev.summarizer.training.rouge;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * ROUGE-Lsum, the summary-level LCS of section 3.2 of Lin (2004) as rouge_score computes it: for every reference
 * sentence, the union of its LCS with each prediction sentence; a token of that union is a hit only while both
 * texts still have an unmatched copy of it (ROUGE-1.5.5's guard against counting a token twice).
 */
final class SummaryLevelLcs {
    private SummaryLevelLcs() {}

    static Score score(List<List<String>> referenceSentences, List<List<String>> predictionSentences) {
        int referenceTokens = referenceSentences.stream().mapToInt(List::size).sum();
        int predictionTokens = predictionSentences.stream().mapToInt(List::size).sum();
        if (referenceTokens == 0 || predictionTokens == 0) {
            return Score.ZERO;
        }
        Map<String, Integer> unmatchedInReference = counts(referenceSentences);
        Map<String, Integer> unmatchedInPrediction = counts(predictionSentences);
        int hits = 0;
        for (List<String> reference : referenceSentences) {
            TreeSet<Integer> union = new TreeSet<>();
            for (List<String> prediction : predictionSentences) {
                union.addAll(LongestCommonSubsequence.referenceIndices(reference, prediction));
            }
            for (int index : union) {
                String token = reference.get(index);
                if (unmatchedInPrediction.getOrDefault(token, 0) > 0 && unmatchedInReference.getOrDefault(token, 0) > 0) {
                    hits++;
                    unmatchedInPrediction.merge(token, -1, Integer::sum);
                    unmatchedInReference.merge(token, -1, Integer::sum);
                }
            }
        }
        return Score.of((double) hits / predictionTokens, (double) hits / referenceTokens);
    }

    private static Map<String, Integer> counts(List<List<String>> sentences) {
        Map<String, Integer> counts = new HashMap<>();
        for (List<String> sentence : sentences) {
            for (String token : sentence) {
                counts.merge(token, 1, Integer::sum);
            }
        }
        return counts;
    }
}

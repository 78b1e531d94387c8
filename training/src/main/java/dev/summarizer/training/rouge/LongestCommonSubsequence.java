package dev.summarizer.training.rouge;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The longest common subsequence of two token sequences, by rouge_score's dynamic-programming table. */
final class LongestCommonSubsequence {
    private LongestCommonSubsequence() {}

    static int length(List<String> a, List<String> b) {
        int[] previous = new int[b.size() + 1];
        int[] current = new int[b.size() + 1];
        for (int i = 1; i <= a.size(); i++) {
            for (int j = 1; j <= b.size(); j++) {
                current[j] = a.get(i - 1).equals(b.get(j - 1)) ? previous[j - 1] + 1 : Math.max(previous[j], current[j - 1]);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.size()];
    }

    /**
     * The positions in {@code reference} of one longest common subsequence, ascending. Which one matters for
     * ROUGE-Lsum, so this walks back through the table exactly as rouge_score's {@code _backtrack_norec} does:
     * take a match, else step left when the left cell is strictly larger, else step up.
     */
    static List<Integer> referenceIndices(List<String> reference, List<String> candidate) {
        int rows = reference.size();
        int cols = candidate.size();
        int[][] table = new int[rows + 1][cols + 1];
        for (int i = 1; i <= rows; i++) {
            for (int j = 1; j <= cols; j++) {
                table[i][j] = reference.get(i - 1).equals(candidate.get(j - 1))
                        ? table[i - 1][j - 1] + 1
                        : Math.max(table[i - 1][j], table[i][j - 1]);
            }
        }
        List<Integer> indices = new ArrayList<>();
        int i = rows;
        int j = cols;
        while (i > 0 && j > 0) {
            if (reference.get(i - 1).equals(candidate.get(j - 1))) {
                indices.add(i - 1);
                i--;
                j--;
            } else if (table[i][j - 1] > table[i - 1][j]) {
                j--;
            } else {
                i--;
            }
        }
        Collections.reverse(indices);
        return indices;
    }
}

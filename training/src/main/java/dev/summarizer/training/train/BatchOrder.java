package dev.summarizer.training.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Which examples form each micro-batch of an epoch: file order, or a permutation seeded by the run's seed and
 * the epoch (so a resumed run sees the same order), optionally grouped by length (transformers'
 * LengthGroupedSampler idea: sort within mega-batches of 50 batches so batches pad less, longest batch first).
 * The last batch may be smaller.
 */
public final class BatchOrder {
    private BatchOrder() {}

    public static List<int[]> batches(List<TokenizedExample> examples, int batchSize, boolean shuffle, boolean groupByLength,
            long seed, int epoch) {
        int n = examples.size();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (shuffle) {
            Random random = new Random(seed * 1_000_033L + epoch);
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                Integer t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        if (groupByLength) {
            int mega = batchSize * 50;
            for (int start = 0; start < n; start += mega) {
                Arrays.sort(order, start, Math.min(n, start + mega),
                        (a, b) -> Integer.compare(examples.get(b).inputIds().length, examples.get(a).inputIds().length));
            }
        }
        List<int[]> batches = new ArrayList<>();
        for (int start = 0; start < n; start += batchSize) {
            int end = Math.min(n, start + batchSize);
            int[] batch = new int[end - start];
            for (int i = start; i < end; i++) {
                batch[i - start] = order[i];
            }
            batches.add(batch);
        }
        if (groupByLength && batches.size() > 1) {
            // The longest batch first, so that a batch that does not fit in memory fails at once.
            int longest = 0;
            for (int b = 1; b < batches.size(); b++) {
                if (maxLength(examples, batches.get(b)) > maxLength(examples, batches.get(longest))) {
                    longest = b;
                }
            }
            int[] first = batches.get(0);
            batches.set(0, batches.get(longest));
            batches.set(longest, first);
        }
        return batches;
    }

    private static int maxLength(List<TokenizedExample> examples, int[] batch) {
        int m = 0;
        for (int i : batch) {
            m = Math.max(m, examples.get(i).inputIds().length);
        }
        return m;
    }
}

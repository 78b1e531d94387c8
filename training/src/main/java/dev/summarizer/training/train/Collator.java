package dev.summarizer.training.train;

import dev.summarizer.training.artifacts.T5Loss;
import dev.summarizer.training.session.Batch;
import java.util.Arrays;
import java.util.List;

/**
 * DataCollatorForSeq2Seq: sources right-padded with the pad id (mask 0), labels right-padded with -100, each
 * batch to its own longest example.
 */
public final class Collator {
    private Collator() {}

    public static Batch collate(List<TokenizedExample> examples, int[] indices, int padTokenId) {
        int source = 0;
        int target = 0;
        for (int i : indices) {
            source = Math.max(source, examples.get(i).inputIds().length);
            target = Math.max(target, examples.get(i).labels().length);
        }
        long[][] ids = new long[indices.length][source];
        long[][] mask = new long[indices.length][source];
        long[][] labels = new long[indices.length][target];
        for (int r = 0; r < indices.length; r++) {
            TokenizedExample e = examples.get(indices[r]);
            Arrays.fill(ids[r], padTokenId);
            Arrays.fill(labels[r], T5Loss.IGNORE_INDEX);
            for (int i = 0; i < e.inputIds().length; i++) {
                ids[r][i] = e.inputIds()[i];
                mask[r][i] = 1;
            }
            for (int i = 0; i < e.labels().length; i++) {
                labels[r][i] = e.labels()[i];
            }
        }
        return new Batch(ids, mask, labels);
    }
}

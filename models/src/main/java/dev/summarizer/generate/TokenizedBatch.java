package dev.summarizer.generate;

import java.util.Arrays;
import java.util.List;

/** Encoder inputs as one batch: ids right-padded to the longest, and the attention mask. */
public record TokenizedBatch(long[][] inputIds, long[][] attentionMask) {

    public static TokenizedBatch of(List<EncoderInput> inputs, int padId) {
        int longest = inputs.stream().mapToInt(in -> in.ids().length).max().orElse(0);
        long[][] ids = new long[inputs.size()][longest];
        long[][] mask = new long[inputs.size()][longest];
        for (int i = 0; i < inputs.size(); i++) {
            long[] row = inputs.get(i).ids();
            Arrays.fill(ids[i], padId);
            System.arraycopy(row, 0, ids[i], 0, row.length);
            Arrays.fill(mask[i], 0, row.length, 1);
        }
        return new TokenizedBatch(ids, mask);
    }

    public int size() {
        return inputIds.length;
    }
}

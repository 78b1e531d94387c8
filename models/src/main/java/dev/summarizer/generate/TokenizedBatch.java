package dev.summarizer.generate;

/**
 * Texts as the encoder takes them: ids right-padded to the longest, the attention mask, and per text how many
 * tokens it had before truncation and whether it was truncated.
 */
public record TokenizedBatch(long[][] inputIds, long[][] attentionMask, int[] tokenCounts, boolean[] truncated) {

    public int size() {
        return inputIds.length;
    }
}

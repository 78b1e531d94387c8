package dev.summarizer.training.session;

/**
 * One micro-batch as the training model takes it: right-padded {@code input_ids} and their
 * {@code attention_mask} {@code [batch, source]}, and {@code labels} {@code [batch, target]} padded with -100.
 */
public record Batch(long[][] inputIds, long[][] attentionMask, long[][] labels) {

    public int size() {
        return inputIds.length;
    }

    /** Label tokens that count towards the loss (not -100). */
    public long countedLabels() {
        long n = 0;
        for (long[] row : labels) {
            for (long id : row) {
                n += id != -100 ? 1 : 0;
            }
        }
        return n;
    }
}

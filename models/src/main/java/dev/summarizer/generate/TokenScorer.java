package dev.summarizer.generate;

/**
 * The decoder as a step function for the search algorithms: feed one token per row, get next-token logits
 * per row. Rows carry their own key/value cache; beam search may continue a row from another row's history.
 */
public interface TokenScorer extends AutoCloseable {
    /**
     * @param tokens one token per row
     * @param parents for each row, the row whose history it continues; null when every row continues its own
     * @return next-token logits, {@code [rows][vocab]}
     */
    float[][] next(long[] tokens, int[] parents) throws Exception;

    @Override
    void close() throws Exception;
}

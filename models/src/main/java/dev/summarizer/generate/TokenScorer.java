package dev.summarizer.generate;

import ai.onnxruntime.OrtException;

/**
 * The decoder as a step function for the search algorithms: feed one token per row and get what the next
 * token could be. Rows carry their own key/value cache; beam search may continue a row from another row's
 * history ({@code parents}: for each row, the row whose history it continues; null when every row continues
 * its own).
 */
public interface TokenScorer extends AutoCloseable {
    /** Next-token logits of every row; valid until the next call. */
    Logits next(long[] tokens, int[] parents) throws OrtException;

    /**
     * Feeds several tokens per row ({@code tokens[row]}, all rows as long) in one decoder pass and returns the logits
     * after each: row {@code r * positions + p} of the result follows token {@code p} of row {@code r}. Every row's
     * cache grows by {@code positions}; valid until the next call.
     */
    Logits next(long[][] tokens) throws OrtException;

    /** Drops the last {@code positions} positions of every row's cache, as if they had never been fed. */
    void forget(int positions) throws OrtException;

    /**
     * The {@code k} best continuations of each input over its {@code beams} consecutive rows, scored as
     * transformers' beam search scores them: the row's running score plus the log-softmax of its logits, with
     * {@code banned} (row, token) pairs at minus infinity. Best first; equal scores keep row-major order.
     */
    Continuations bestContinuations(long[] tokens, int[] parents, float[] runningScores, long[][] banned, int beams, int k)
            throws OrtException;

    /** Per input, the chosen continuations: score, beam within the input, token; {@code [inputs][k]} each. */
    record Continuations(float[][] scores, int[][] beams, int[][] tokens) {}

    @Override
    void close() throws OrtException;
}

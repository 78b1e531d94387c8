package dev.summarizer.generate;

/**
 * One generated summary.
 *
 * @param tokenIds the generated ids after the decoder start token, up to and including EOS
 * @param inputTokens tokens of the (prefixed) input before truncation
 * @param truncated whether the input was cut to the maximum source length
 */
public record Summary(String text, long[] tokenIds, int inputTokens, boolean truncated) {}

package dev.summarizer.training.train;

/** One example as token ids: the (prefixed, truncated) source with EOS, and the (truncated) summary with EOS. */
public record TokenizedExample(int[] inputIds, int[] labels) {}

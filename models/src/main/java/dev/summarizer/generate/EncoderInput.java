package dev.summarizer.generate;

/**
 * One text made ready for the encoder: checked, formatted with its {@link SourceSettings} and tokenized.
 *
 * @param ids token ids with the special tokens the tokenizer adds (T5: a final {@code </s>}), truncated
 * @param tokenCount how many tokens the formatted text had before truncation
 * @param truncated whether tokens were cut
 */
public record EncoderInput(long[] ids, int tokenCount, boolean truncated) {}

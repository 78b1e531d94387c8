package dev.summarizer.generate;

/**
 * How a text becomes the encoder's input: the prefix put before it (e.g. {@code "summarize: "}) and how many
 * tokens of the result are kept, EOS included; longer inputs are truncated, as transformers' tokenizers do.
 */
public record SourceSettings(String prefix, int maxSourceLength) {
    /** A source length for models that state none: t5's positional bias generalises, its training used 512. */
    public static final int DEFAULT_MAX_SOURCE_LENGTH = 512;

    public SourceSettings {
        if (prefix == null) {
            prefix = "";
        }
        if (maxSourceLength < 2) {
            throw new InvalidSettingException("max_source_length", "must be at least 2, got " + maxSourceLength);
        }
    }

    public static SourceSettings defaults() {
        return new SourceSettings("", DEFAULT_MAX_SOURCE_LENGTH);
    }

    /** The text the tokenizer sees. */
    public String format(String text) {
        return prefix + text;
    }

    public SourceSettings withMaxSourceLength(int tokens) {
        return new SourceSettings(prefix, tokens);
    }
}

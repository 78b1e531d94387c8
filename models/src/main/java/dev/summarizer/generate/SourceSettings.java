package dev.summarizer.generate;

/**
 * How a text becomes the encoder's input: put into a template ({@code "Summarize the following
 * conversation.\n\n{text}\n\nSummary: "}, as the FLAN recipes do) or after a prefix ({@code "summarize: "}), and how
 * many tokens of the result are kept, EOS included; longer inputs are truncated, as transformers' tokenizers do.
 *
 * @param template null, or a text with {@value #PLACEHOLDER} where the input goes (it wins over the prefix)
 */
public record SourceSettings(String prefix, String template, int maxSourceLength) {
    /** A source length for models that state none: t5's positional bias generalises, its training used 512. */
    public static final int DEFAULT_MAX_SOURCE_LENGTH = 512;
    public static final String PLACEHOLDER = "{text}";

    public SourceSettings {
        if (prefix == null) {
            prefix = "";
        }
        if (template != null && !template.contains(PLACEHOLDER)) {
            throw new InvalidSettingException("source_template", "must contain " + PLACEHOLDER + " where the text goes");
        }
        if (maxSourceLength < 2) {
            throw new InvalidSettingException("max_source_length", "must be at least 2, got " + maxSourceLength);
        }
    }

    /** A prefix and no template. */
    public SourceSettings(String prefix, int maxSourceLength) {
        this(prefix, null, maxSourceLength);
    }

    public static SourceSettings defaults() {
        return new SourceSettings("", DEFAULT_MAX_SOURCE_LENGTH);
    }

    /** The text the tokenizer sees. */
    public String format(String text) {
        return template != null ? template.replace(PLACEHOLDER, text) : prefix + text;
    }

    public SourceSettings withMaxSourceLength(int tokens) {
        return new SourceSettings(prefix, template, tokens);
    }
}

package dev.summarizer.generate;

/**
 * Generation settings a caller gives explicitly (command-line flags, HTTP fields); null means "use the
 * model's default". Serializable because a Spark job ships them to its executors, which apply them to the model's
 * defaults there.
 */
public record GenerationOverrides(
        Integer maxNewTokens,
        Integer minNewTokens,
        Integer numBeams,
        Double lengthPenalty,
        EarlyStopping earlyStopping,
        Integer noRepeatNgramSize,
        String prefix,
        Integer maxSourceLength,
        String sourceTemplate,
        Integer promptLookupNumTokens) implements java.io.Serializable {

    /** The HTTP API's fields: no source template, no prompt lookup. */
    public GenerationOverrides(Integer maxNewTokens, Integer minNewTokens, Integer numBeams, Double lengthPenalty,
            EarlyStopping earlyStopping, Integer noRepeatNgramSize, String prefix, Integer maxSourceLength) {
        this(maxNewTokens, minNewTokens, numBeams, lengthPenalty, earlyStopping, noRepeatNgramSize, prefix, maxSourceLength,
                null, null);
    }

    public static GenerationOverrides none() {
        return new GenerationOverrides(null, null, null, null, null, null, null, null, null, null);
    }

    /** The defaults with every given setting replacing its default; the result is checked. */
    public GenerationSettings applyTo(GenerationSettings defaults) {
        DecodingSettings d = defaults.decoding();
        int maxNew = maxNewTokens != null ? maxNewTokens : d.maxNewTokens();
        // A default minimum above an explicit maximum yields to it; an explicit one is checked as given.
        int minNew = minNewTokens != null ? minNewTokens : Math.min(d.minNewTokens(), maxNew);
        DecodingSettings decoding = new DecodingSettings(maxNew, minNew,
                numBeams != null ? numBeams : d.numBeams(),
                lengthPenalty != null ? lengthPenalty : d.lengthPenalty(),
                earlyStopping != null ? earlyStopping : d.earlyStopping(),
                noRepeatNgramSize != null ? noRepeatNgramSize : d.noRepeatNgramSize(),
                promptLookupNumTokens != null ? promptLookupNumTokens : d.promptLookupNumTokens());
        SourceSettings s = defaults.source();
        // A prefix given now replaces the model's template too: it says how this text is to be put.
        String template = sourceTemplate != null ? sourceTemplate : prefix != null ? null : s.template();
        SourceSettings source = new SourceSettings(prefix != null ? prefix : s.prefix(), template,
                maxSourceLength != null ? maxSourceLength : s.maxSourceLength());
        return new GenerationSettings(source, decoding);
    }
}

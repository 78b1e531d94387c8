package dev.summarizer.generate;

/**
 * Generation settings a caller gives explicitly (command-line flags, HTTP fields); null means "use the
 * model's default".
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
        Integer promptLookupNumTokens) {

    /** Overrides without prompt lookup's. */
    public GenerationOverrides(Integer maxNewTokens, Integer minNewTokens, Integer numBeams, Double lengthPenalty,
            EarlyStopping earlyStopping, Integer noRepeatNgramSize, String prefix, Integer maxSourceLength) {
        this(maxNewTokens, minNewTokens, numBeams, lengthPenalty, earlyStopping, noRepeatNgramSize, prefix, maxSourceLength,
                null);
    }

    public static GenerationOverrides none() {
        return new GenerationOverrides(null, null, null, null, null, null, null, null, null);
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
        SourceSettings source = new SourceSettings(prefix != null ? prefix : s.prefix(),
                maxSourceLength != null ? maxSourceLength : s.maxSourceLength());
        return new GenerationSettings(source, decoding);
    }
}

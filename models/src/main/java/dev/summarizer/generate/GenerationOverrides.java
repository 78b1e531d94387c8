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
        Integer maxSourceLength) {

    public static GenerationOverrides none() {
        return new GenerationOverrides(null, null, null, null, null, null, null, null);
    }

    /** The defaults with every given setting replacing its default; the result is checked. */
    public GenerationSettings applyTo(GenerationSettings defaults) {
        int maxNew = maxNewTokens != null ? maxNewTokens : defaults.maxNewTokens();
        // A default minimum above an explicit maximum yields to it; an explicit one is checked as given.
        int minNew = minNewTokens != null ? minNewTokens : Math.min(defaults.minNewTokens(), maxNew);
        return new GenerationSettings(maxNew, minNew,
                numBeams != null ? numBeams : defaults.numBeams(),
                lengthPenalty != null ? lengthPenalty : defaults.lengthPenalty(),
                earlyStopping != null ? earlyStopping : defaults.earlyStopping(),
                noRepeatNgramSize != null ? noRepeatNgramSize : defaults.noRepeatNgramSize(),
                prefix != null ? prefix : defaults.prefix(),
                maxSourceLength != null ? maxSourceLength : defaults.maxSourceLength());
    }
}

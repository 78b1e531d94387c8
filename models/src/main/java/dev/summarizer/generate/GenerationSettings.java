package dev.summarizer.generate;

/**
 * How to generate, with Hugging Face {@code generate()}'s meaning ({@code do_sample=False}).
 *
 * @param maxNewTokens tokens to generate at most, EOS included
 * @param minNewTokens tokens before EOS may be chosen
 * @param numBeams 1 for greedy search
 * @param lengthPenalty exponent of the length that divides a finished beam's log-probability
 * @param noRepeatNgramSize 0, or the n-gram size that may not repeat
 * @param prefix prepended to every input text (e.g. {@code "summarize: "})
 * @param maxSourceLength input tokens kept, EOS included; longer inputs are truncated
 */
public record GenerationSettings(
        int maxNewTokens,
        int minNewTokens,
        int numBeams,
        double lengthPenalty,
        EarlyStopping earlyStopping,
        int noRepeatNgramSize,
        String prefix,
        int maxSourceLength) {

    /** Checks the settings; the message names the setting in the snake_case of the API. */
    public GenerationSettings {
        if (maxNewTokens < 1) {
            throw new InvalidSettingException("max_new_tokens", "must be at least 1, got " + maxNewTokens);
        }
        if (minNewTokens < 0) {
            throw new InvalidSettingException("min_new_tokens", "must not be negative, got " + minNewTokens);
        }
        if (minNewTokens > maxNewTokens) {
            throw new InvalidSettingException("min_new_tokens",
                    "(" + minNewTokens + ") must not exceed max_new_tokens (" + maxNewTokens + ")");
        }
        if (numBeams < 1) {
            throw new InvalidSettingException("num_beams", "must be at least 1, got " + numBeams);
        }
        if (!Double.isFinite(lengthPenalty)) {
            throw new InvalidSettingException("length_penalty", "must be a finite number, got " + lengthPenalty);
        }
        if (noRepeatNgramSize < 0) {
            throw new InvalidSettingException("no_repeat_ngram_size", "must not be negative, got " + noRepeatNgramSize);
        }
        if (maxSourceLength < 2) {
            throw new InvalidSettingException("max_source_length", "must be at least 2, got " + maxSourceLength);
        }
        if (earlyStopping == null) {
            earlyStopping = EarlyStopping.FALSE;
        }
        if (prefix == null) {
            prefix = "";
        }
    }

    /** Transformers' defaults: 20 tokens in all (19 new after the decoder start), greedy. */
    public static GenerationSettings defaults() {
        return new GenerationSettings(19, 0, 1, 1.0, EarlyStopping.FALSE, 0, "", 512);
    }

    /** Whether two requests can share one decoding loop: everything but the prefix, applied per text, agrees. */
    public boolean decodesLike(GenerationSettings other) {
        return maxNewTokens == other.maxNewTokens && minNewTokens == other.minNewTokens && numBeams == other.numBeams
                && lengthPenalty == other.lengthPenalty && earlyStopping == other.earlyStopping
                && noRepeatNgramSize == other.noRepeatNgramSize && maxSourceLength == other.maxSourceLength;
    }
}

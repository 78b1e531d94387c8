package dev.summarizer.generate;

/**
 * How to decode, with Hugging Face {@code generate()}'s meaning ({@code do_sample=False}). What the encoder is
 * given (prefix, truncation) is {@link SourceSettings}'.
 *
 * @param maxNewTokens tokens to generate at most, EOS included
 * @param minNewTokens tokens before EOS may be chosen
 * @param numBeams 1 for greedy search
 * @param lengthPenalty exponent of the length that divides a finished beam's log-probability
 * @param noRepeatNgramSize 0, or the n-gram size that may not repeat
 * @param promptLookupNumTokens 0, or how many tokens prompt-lookup decoding drafts at most per decoder pass
 *     ({@link PromptLookup}); greedy search only, and the ids are those of plain greedy search
 */
public record DecodingSettings(
        int maxNewTokens,
        int minNewTokens,
        int numBeams,
        double lengthPenalty,
        EarlyStopping earlyStopping,
        int noRepeatNgramSize,
        int promptLookupNumTokens) {

    /** Checks the settings; the message names the setting in the snake_case of the API. */
    public DecodingSettings {
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
        if (promptLookupNumTokens < 0) {
            throw new InvalidSettingException("prompt_lookup_num_tokens", "must not be negative, got " + promptLookupNumTokens);
        }
        if (promptLookupNumTokens > 0 && numBeams > 1) {
            throw new InvalidSettingException("prompt_lookup_num_tokens",
                    "needs greedy search (num_beams 1), got num_beams " + numBeams);
        }
        if (earlyStopping == null) {
            earlyStopping = EarlyStopping.FALSE;
        }
    }

    /** Settings without prompt lookup. */
    public DecodingSettings(int maxNewTokens, int minNewTokens, int numBeams, double lengthPenalty,
            EarlyStopping earlyStopping, int noRepeatNgramSize) {
        this(maxNewTokens, minNewTokens, numBeams, lengthPenalty, earlyStopping, noRepeatNgramSize, 0);
    }

    /** The same settings with prompt lookup drafting up to {@code tokens} per pass (0: off). */
    public DecodingSettings withPromptLookup(int tokens) {
        return new DecodingSettings(maxNewTokens, minNewTokens, numBeams, lengthPenalty, earlyStopping, noRepeatNgramSize,
                tokens);
    }

    /** Transformers' defaults: 20 tokens in all (19 new after the decoder start), greedy. */
    public static DecodingSettings defaults() {
        return new DecodingSettings(19, 0, 1, 1.0, EarlyStopping.FALSE, 0);
    }

    /** Greedy search for up to {@code maxNewTokens}, nothing else constrained. */
    public static DecodingSettings greedy(int maxNewTokens) {
        return new DecodingSettings(maxNewTokens, 0, 1, 1.0, EarlyStopping.FALSE, 0);
    }
}

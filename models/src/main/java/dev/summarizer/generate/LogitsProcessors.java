package dev.summarizer.generate;

import java.util.Arrays;

/**
 * The logits processors {@code generate()} applies before choosing tokens when its settings ask for them:
 * transformers' MinNewTokensLengthLogitsProcessor and NoRepeatNGramLogitsProcessor.
 */
final class LogitsProcessors {
    private LogitsProcessors() {}

    /**
     * Applies the processors to one row's scores in place.
     *
     * @param sequence the row's tokens so far, decoder start token first, {@code length} of them
     */
    static void apply(float[] scores, long[] sequence, int length, GenerationSettings settings, int eosTokenId) {
        if (length - 1 < settings.minNewTokens()) {
            scores[eosTokenId] = Float.NEGATIVE_INFINITY;
        }
        int n = settings.noRepeatNgramSize();
        if (n > 0 && length + 1 >= n) {
            banRepeatedNgrams(scores, sequence, length, n);
        }
    }

    /**
     * Forbids every token that would complete an n-gram already in the sequence: the n-grams whose first n-1
     * tokens equal the sequence's last n-1.
     */
    private static void banRepeatedNgrams(float[] scores, long[] sequence, int length, int n) {
        int tailStart = length - (n - 1);
        for (int start = 0; start + n <= length; start++) {
            if (Arrays.equals(sequence, start, start + n - 1, sequence, tailStart, length)) {
                scores[(int) sequence[start + n - 1]] = Float.NEGATIVE_INFINITY;
            }
        }
    }
}

package dev.summarizer.generate;

import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * The logits processors {@code generate()} applies before choosing tokens when its settings ask for them:
 * transformers' MinNewTokensLengthLogitsProcessor and NoRepeatNGramLogitsProcessor. Both forbid tokens
 * (their score becomes minus infinity); this class says which.
 */
final class LogitsProcessors {
    private LogitsProcessors() {}

    /**
     * Reports every token forbidden after {@code sequence}'s first {@code length} tokens (decoder start
     * first); a token may be reported more than once.
     */
    static void forEachBanned(long[] sequence, int length, DecodingSettings settings, int eosTokenId, IntConsumer ban) {
        if (length - 1 < settings.minNewTokens()) {
            ban.accept(eosTokenId);
        }
        int n = settings.noRepeatNgramSize();
        if (n > 0 && length + 1 >= n) {
            // Tokens that would complete an n-gram already present: those whose first n-1 tokens equal the
            // sequence's last n-1.
            int tailStart = length - (n - 1);
            for (int start = 0; start + n <= length; start++) {
                if (Arrays.equals(sequence, start, start + n - 1, sequence, tailStart, length)) {
                    ban.accept((int) sequence[start + n - 1]);
                }
            }
        }
    }
}

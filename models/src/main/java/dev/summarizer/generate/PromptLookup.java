package dev.summarizer.generate;

import java.util.Arrays;

/**
 * The drafts of prompt-lookup decoding: after a generated n-gram that also occurs earlier, guess that what followed
 * it there follows again. Unlike Hugging Face's {@code prompt_lookup_num_tokens}, which for encoder-decoder models
 * only looks among the decoder's own tokens, this looks first in the source (a summary copies names and phrases
 * from its dialogue), then among the generated tokens; the longest n-gram (3 down to 1) with a match wins, and
 * of its matches the first.
 */
final class PromptLookup {
    static final int MAX_NGRAM = 3;

    /** Each row's encoder input without padding. */
    private final long[][] sources;
    private final int maxTokens;

    PromptLookup(long[][] inputIds, long[][] attentionMask, int maxTokens) {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("prompt lookup drafts at least one token, not " + maxTokens);
        }
        sources = new long[inputIds.length][];
        for (int r = 0; r < inputIds.length; r++) {
            int n = 0;
            while (n < attentionMask[r].length && attentionMask[r][n] != 0) {
                n++;
            }
            sources[r] = Arrays.copyOf(inputIds[r], n);
        }
        this.maxTokens = maxTokens;
    }

    int maxTokens() {
        return maxTokens;
    }

    /**
     * Writes into {@code draft} up to {@code limit} (at most {@link #maxTokens()}) tokens guessed to follow row
     * {@code row}'s {@code sequence[0, length)} (decoder start first, which takes part in no n-gram) and returns
     * how many; 0 when no n-gram of its end occurs earlier.
     */
    int draft(int row, long[] sequence, int length, int limit, long[] draft) {
        limit = Math.min(limit, maxTokens);
        if (limit < 1) {
            return 0;
        }
        long[] source = sources[row];
        for (int n = Math.min(MAX_NGRAM, length - 1); n >= 1; n--) {
            int tail = length - n;
            int found = continuation(source, 0, source.length - n - 1, source.length, sequence, tail, n, limit, draft);
            if (found == 0) {
                // Earlier among the generated tokens (after the decoder start), the tail itself excluded; what follows
                // a match may run into the tail.
                found = continuation(sequence, 1, tail - 1, length, sequence, tail, n, limit, draft);
            }
            if (found > 0) {
                return found;
            }
        }
        return 0;
    }

    /**
     * The tokens after the first occurrence of {@code sequence[tail, tail + n)} in {@code haystack} that starts in
     * {@code [firstStart, lastStart]}, up to {@code limit} and to {@code haystack[end]}, copied into {@code draft};
     * their count, or 0.
     */
    private static int continuation(long[] haystack, int firstStart, int lastStart, int end, long[] sequence, int tail,
            int n, int limit, long[] draft) {
        for (int start = firstStart; start <= lastStart; start++) {
            if (Arrays.equals(haystack, start, start + n, sequence, tail, tail + n)) {
                int count = Math.min(limit, end - (start + n));
                System.arraycopy(haystack, start + n, draft, 0, count);
                return count;
            }
        }
        return 0;
    }
}

package dev.summarizer.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The drafts, worked out by hand. */
class PromptLookupTest {
    private static final long START = 0;

    private static long[] draft(long[] source, long[] sequence, int limit, int maxTokens) {
        PromptLookup lookup = new PromptLookup(new long[][] {source}, new long[][] {mask(source)}, maxTokens);
        long[] out = new long[maxTokens];
        int n = lookup.draft(0, sequence, sequence.length, limit, out);
        return Arrays.copyOf(out, n);
    }

    private static long[] mask(long[] source) {
        long[] m = new long[source.length];
        Arrays.fill(m, 1);
        return m;
    }

    @Test
    void copiesWhatFollowsTheLongestMatchingNgramInTheSource() {
        long[] source = {5, 6, 7, 8, 9, 6, 7, 3, 4, 1};
        // The last 3 tokens 5 6 7 start the source: 8 9 6 follow.
        assertArrayEquals(new long[] {8, 9, 6}, draft(source, new long[] {START, 5, 6, 7}, 3, 10));
        // Only the last 2 (6 7) match: their first occurrence is followed by 8 9 6 7 3.
        assertArrayEquals(new long[] {8, 9, 6, 7, 3}, draft(source, new long[] {START, 2, 6, 7}, 5, 10));
        // Only the last token (4) matches: the rest of the source, EOS included, as far as the limit allows.
        assertArrayEquals(new long[] {1}, draft(source, new long[] {START, 2, 2, 4}, 5, 10));
        // maxTokens caps the limit.
        assertArrayEquals(new long[] {8, 9}, draft(source, new long[] {START, 5, 6, 7}, 5, 2));
    }

    @Test
    void fallsBackToTheGeneratedTokensAndNeverMatchesTheTailItself() {
        long[] source = {20, 21, 1};
        // 11 12 occurred earlier in the generated tokens, followed by 13 11 12.
        assertArrayEquals(new long[] {13, 11}, draft(source, new long[] {START, 11, 12, 13, 11, 12}, 2, 10));
        assertArrayEquals(new long[] {13, 11, 12}, draft(source, new long[] {START, 11, 12, 13, 11, 12}, 9, 10));
        // A token seen only once, at the end: nothing to copy.
        assertArrayEquals(new long[] {}, draft(source, new long[] {START, 11, 12}, 5, 10));
        // The decoder start token is no generated token: nothing is copied after it.
        assertArrayEquals(new long[] {}, draft(source, new long[] {START, START}, 5, 10));
    }

    @Test
    void theSourceWinsOverTheGeneratedTokensAndPaddingIsNotSource() {
        PromptLookup lookup = new PromptLookup(new long[][] {{4, 30, 1, 0, 0}}, new long[][] {{1, 1, 1, 0, 0}}, 4);
        long[] out = new long[4];
        // 4 is followed by 40 in the generated tokens but by 30 in the source.
        assertEquals(2, lookup.draft(0, new long[] {START, 4, 40, 4}, 4, 4, out));
        assertArrayEquals(new long[] {30, 1}, Arrays.copyOf(out, 2));
        // After the source's EOS comes padding, which is not copied: 1 ends the source, so nothing follows it there.
        assertEquals(0, lookup.draft(0, new long[] {START, 9, 1}, 3, 4, out));
    }
}

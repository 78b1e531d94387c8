package dev.summarizer.generate;

import ai.onnxruntime.OrtException;
import java.util.Arrays;
import java.util.concurrent.CancellationException;

/**
 * Greedy decoding as transformers does it with {@code num_beams=1, do_sample=False}: the arg-max of the
 * processed logits (the first on ties), padding rows that already ended until every row has.
 *
 * <p>With prompt lookup ({@link PromptLookup}) a decoder pass takes each row's last token and a draft of the next
 * ones, and yields logits at every position: the arg-max after the last token, then after each draft token. Those
 * are exactly the steps plain greedy would take as long as the draft agrees with them, so a row keeps its arg-maxes
 * up to and including the first one that differs from the draft (processors applied at each position as greedy
 * applies them). The self-attention cache has one length for the whole batch (the decoder has no mask over it),
 * so every row advances by the smallest count an unfinished row kept, and the cache positions past it are dropped;
 * a row that reached EOS within the pass no longer holds the others back. A pass with drafts happens only when
 * every unfinished row has one (a row without would keep one token, as a plain step does), and drafts are cut to
 * the shortest. How long a draft may be adapts as Hugging Face's assisted generation's does: two tokens more after a
 * pass that kept its whole draft, one fewer after one that did not (between 1 and {@code prompt_lookup_num_tokens}),
 * so that a batch whose rows rarely agree does not pay for long drafts it throws away.
 */
final class GreedySearch {
    private GreedySearch() {}

    /** Plain greedy search: one token per row and decoder pass. */
    static long[][] run(TokenScorer scorer, int rows, DecodingSettings settings, SpecialTokens special,
            DecodingObserver observer) throws OrtException {
        return run(scorer, rows, settings, special, observer, null);
    }

    /**
     * Returns each row's generated tokens after the decoder start token, up to and including EOS; {@code lookup} null
     * for one token per pass.
     */
    static long[][] run(TokenScorer scorer, int rows, DecodingSettings settings, SpecialTokens special,
            DecodingObserver observer, PromptLookup lookup) throws OrtException {
        int maxLength = 1 + settings.maxNewTokens();
        long[][] sequences = new long[rows][maxLength];
        int length = 1;
        boolean[] finished = new boolean[rows];
        long[] tokens = new long[rows];
        for (int r = 0; r < rows; r++) {
            sequences[r][0] = special.decoderStart();
            tokens[r] = special.decoderStart();
        }
        int[] generated = new int[rows];
        int unfinished = rows;
        long[][] drafts = lookup == null ? null : new long[rows][lookup.maxTokens()];
        int[] kept = new int[rows];
        boolean[] endedInPass = new boolean[rows];
        int draftCap = lookup == null ? 0 : lookup.maxTokens();
        while (unfinished > 0 && length < maxLength) {
            if (observer.cancelled()) {
                throw new CancellationException("decoding cancelled");
            }
            // The first pass has nothing to look up: it feeds only the decoder start token.
            int draftLength = lookup == null || length == 1
                    ? 0
                    : draftLength(lookup, sequences, length, Math.min(maxLength, length + draftCap + 1), finished, drafts);
            int positions = draftLength + 1;
            Logits logits = draftLength == 0
                    ? scorer.next(tokens, null)
                    : scorer.next(passTokens(tokens, drafts, finished, draftLength, special.pad()));
            // Each unfinished row's arg-maxes, written into its sequence, until one differs from the draft or is EOS.
            int advance = Integer.MAX_VALUE;
            int longest = 0;
            for (int r = 0; r < rows; r++) {
                endedInPass[r] = false;
                kept[r] = 0;
                if (finished[r]) {
                    continue;
                }
                for (int p = 0; p < positions; p++) {
                    int row = r * positions + p;
                    LogitsProcessors.forEachBanned(sequences[r], length + p, settings, special.eos(), t -> logits.ban(row, t));
                    long token = logits.argmax(row);
                    sequences[r][length + p] = token;
                    kept[r]++;
                    if (token == special.eos()) {
                        endedInPass[r] = true;
                        break;
                    }
                    if (p < draftLength && token != drafts[r][p]) {
                        break;
                    }
                }
                longest = Math.max(longest, kept[r]);
                if (!endedInPass[r]) {
                    advance = Math.min(advance, kept[r]);
                }
            }
            if (advance == Integer.MAX_VALUE) {
                advance = longest; // every row ended within this pass
            }
            for (int i = 0; i < advance; i++) {
                for (int r = 0; r < rows; r++) {
                    long token;
                    if (finished[r]) {
                        token = special.pad();
                    } else {
                        token = sequences[r][length];
                        generated[r]++;
                        if (token == special.eos()) {
                            finished[r] = true;
                            unfinished--;
                        }
                    }
                    sequences[r][length] = token;
                    tokens[r] = token;
                }
                length++;
                observer.onStep(tokens.clone(), finished.clone());
            }
            if (positions > advance) {
                scorer.forget(positions - advance);
            }
            if (draftLength > 0) {
                draftCap = positions == advance ? Math.min(lookup.maxTokens(), draftCap + 2) : Math.max(1, draftCap - 1);
            }
        }
        long[][] out = new long[rows][];
        for (int r = 0; r < rows; r++) {
            out[r] = Arrays.copyOfRange(sequences[r], 1, 1 + generated[r]);
        }
        return out;
    }

    /**
     * Fills each unfinished row's draft and returns the length they are cut to: the shortest, and short enough that
     * the pass's tokens fit in {@code maxLength} (which also carries the draft cap); 0 when some unfinished row has
     * none.
     */
    private static int draftLength(PromptLookup lookup, long[][] sequences, int length, int maxLength, boolean[] finished,
            long[][] drafts) {
        int limit = maxLength - length - 1;
        for (int r = 0; r < sequences.length && limit > 0; r++) {
            if (!finished[r]) {
                limit = Math.min(limit, lookup.draft(r, sequences[r], length, limit, drafts[r]));
            }
        }
        return Math.max(0, limit);
    }

    /** A pass's input: each row's last token and its draft; rows that ended get padding. */
    private static long[][] passTokens(long[] last, long[][] drafts, boolean[] finished, int draftLength, long pad) {
        long[][] input = new long[last.length][draftLength + 1];
        for (int r = 0; r < last.length; r++) {
            input[r][0] = last[r];
            for (int p = 0; p < draftLength; p++) {
                input[r][p + 1] = finished[r] ? pad : drafts[r][p];
            }
        }
        return input;
    }
}

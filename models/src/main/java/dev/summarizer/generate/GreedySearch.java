package dev.summarizer.generate;

import ai.onnxruntime.OrtException;
import java.util.Arrays;
import java.util.concurrent.CancellationException;

/**
 * Greedy decoding as transformers does it with {@code num_beams=1, do_sample=False}: the arg-max of the
 * processed logits (the first on ties), padding rows that already ended until every row has.
 */
final class GreedySearch {
    private GreedySearch() {}

    /** Returns each row's generated tokens after the decoder start token, up to and including EOS. */
    static long[][] run(TokenScorer scorer, int rows, DecodingSettings settings, SpecialTokens special,
            DecodingObserver observer) throws OrtException {
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
        while (unfinished > 0 && length < maxLength) {
            if (observer.cancelled()) {
                throw new CancellationException("decoding cancelled");
            }
            Logits logits = scorer.next(tokens, null);
            for (int r = 0; r < rows; r++) {
                long token;
                if (finished[r]) {
                    token = special.pad();
                } else {
                    int row = r;
                    LogitsProcessors.forEachBanned(sequences[r], length, settings, special.eos(), t -> logits.ban(row, t));
                    token = logits.argmax(r);
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
        long[][] out = new long[rows][];
        for (int r = 0; r < rows; r++) {
            out[r] = Arrays.copyOfRange(sequences[r], 1, 1 + generated[r]);
        }
        return out;
    }
}

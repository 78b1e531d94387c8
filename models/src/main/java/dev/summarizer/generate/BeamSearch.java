package dev.summarizer.generate;

import ai.onnxruntime.OrtException;
import java.util.Arrays;

/**
 * Beam search as transformers 5 runs it ({@code GenerationMixin._beam_search}, {@code do_sample=False}), step for
 * step and in float32 like torch, so that the same logits give the same ids:
 *
 * <ol>
 *   <li>per input, the top {@code 2 * num_beams} continuations over all its beams, scored by each beam's
 *       running score plus its processed log-softmax ({@link TokenScorer#bestContinuations});
 *   <li>the best {@code num_beams} continuations that did not stop (EOS or the length limit) run on;
 *   <li>those among the top {@code num_beams} that did stop compete, length-normalised, for the
 *       {@code num_beams} finished slots;
 *   <li>the loop ends at the length limit, when every input's finished slots are full (early stopping), or when
 *       no running beam can beat the finished ones by transformers' heuristic.
 * </ol>
 *
 * Rows are laid out input-major: row {@code b * num_beams + j} is beam j of input b, as transformers expands them.
 */
final class BeamSearch {
    /** transformers' stand-in for minus infinity in beam scores. */
    private static final float NEGATIVE = -1.0e9f;

    private final DecodingSettings settings;
    private final SpecialTokens special;
    private final int batch;
    private final int beams;
    private final int candidates;
    private final int maxLength;

    // Running beams: tokens (decoder start first) and accumulated log-probabilities.
    private final long[][] running;
    private final float[] runningScores;
    // Finished hypotheses per input: num_beams slots, best first.
    private final long[][] finished;
    private final int[] finishedLengths;
    private final float[] finishedScores;
    private final boolean[] finishedSlotUsed;
    private final boolean[] improvable;

    private BeamSearch(int batch, DecodingSettings settings, SpecialTokens special) {
        this.settings = settings;
        this.special = special;
        this.batch = batch;
        this.beams = settings.numBeams();
        this.candidates = 2 * beams; // max(2, 1 + number of EOS ids) * num_beams, with one EOS id
        this.maxLength = 1 + settings.maxNewTokens();
        int rows = batch * beams;
        running = new long[rows][maxLength];
        runningScores = new float[rows];
        finished = new long[rows][];
        finishedLengths = new int[rows];
        finishedScores = new float[rows];
        finishedSlotUsed = new boolean[rows];
        improvable = new boolean[batch];
        Arrays.fill(improvable, true);
        Arrays.fill(finishedScores, NEGATIVE);
        for (int r = 0; r < rows; r++) {
            running[r][0] = special.decoderStart();
            finished[r] = new long[] {special.decoderStart()};
            finishedLengths[r] = 1;
            // Only the first beam of each input starts live, so the first step does not pick one token num_beams times.
            runningScores[r] = r % beams == 0 ? 0 : NEGATIVE;
        }
    }

    /** Returns, per input, the best hypothesis's tokens after the decoder start, up to and including EOS. */
    static long[][] run(TokenScorer scorer, int batch, DecodingSettings settings, SpecialTokens special,
            DecodingObserver observer) throws OrtException {
        return new BeamSearch(batch, settings, special).search(scorer, observer);
    }

    private long[][] search(TokenScorer scorer, DecodingObserver observer) throws OrtException {
        int rows = batch * beams;
        long[] tokens = new long[rows];
        Arrays.fill(tokens, special.decoderStart());
        int[] parents = null;
        int length = 1;
        boolean stop = false;
        while (!stop) {
            if (observer.cancelled()) {
                throw new java.util.concurrent.CancellationException("decoding cancelled");
            }
            TokenScorer.Continuations top = scorer.bestContinuations(tokens, parents, runningScores.clone(),
                    bannedTokens(length), beams, candidates);
            parents = new int[rows];
            boolean allStopped = true;
            for (int b = 0; b < batch; b++) {
                allStopped &= step(b, top, length, parents, tokens);
            }
            length++;
            boolean anyImprovable = false;
            boolean allFull = true;
            for (int b = 0; b < batch; b++) {
                improvable[b] = improvable[b] && canImprove(b, length);
                anyImprovable |= improvable[b];
                allFull &= allSlotsFinished(b);
            }
            stop = !anyImprovable || (allFull && settings.earlyStopping() == EarlyStopping.TRUE) || allStopped;
        }
        long[][] out = new long[batch][];
        for (int b = 0; b < batch; b++) {
            int best = b * beams; // slots are kept sorted, best first
            out[b] = Arrays.copyOfRange(finished[best], 1, finishedLengths[best]);
        }
        return out;
    }

    /** The (row, token) pairs the logits processors forbid for every running beam. */
    private long[][] bannedTokens(int length) {
        java.util.List<long[]> banned = new java.util.ArrayList<>();
        for (int r = 0; r < running.length; r++) {
            long row = r;
            LogitsProcessors.forEachBanned(running[r], length, settings, special.eos(),
                    token -> banned.add(new long[] {row, token}));
        }
        return banned.toArray(long[][]::new);
    }

    /**
     * One step for input {@code b}: chooses its next running beams (writing their tokens and parent rows) and
     * updates its finished hypotheses. Returns whether every candidate continuation stopped.
     */
    private boolean step(int b, TokenScorer.Continuations top, int length, int[] parents, long[] tokens) {
        int first = b * beams;
        // 1. The top candidates over all beams: accumulated score, source beam, token.
        float[] topScores = top.scores()[b];
        int[] topBeams = top.beams()[b];
        int[] topTokens = top.tokens()[b];
        boolean[] stops = new boolean[candidates];
        boolean allStop = true;
        for (int k = 0; k < candidates; k++) {
            stops[k] = topTokens[k] == special.eos() || length + 1 >= maxLength;
            allStop &= stops[k];
        }

        // 2. The best num_beams candidates that did not stop keep running.
        float[] runningCandidates = new float[candidates];
        for (int k = 0; k < candidates; k++) {
            runningCandidates[k] = stops[k] ? topScores[k] + NEGATIVE : topScores[k];
        }
        int[] next = topK(new float[][] {runningCandidates}, candidates, beams);
        long[][] nextRunning = new long[beams][];
        for (int j = 0; j < beams; j++) {
            int k = next[j];
            int parentBeam = topBeams[k];
            long[] sequence = running[first + parentBeam].clone();
            sequence[length] = topTokens[k];
            nextRunning[j] = sequence;
            parents[first + j] = first + parentBeam;
            tokens[first + j] = sequence[length];
        }

        // 3. Candidates among the top num_beams that stopped compete for the finished slots.
        boolean full = allSlotsFinished(b) && settings.earlyStopping() == EarlyStopping.TRUE;
        float lengthNorm = (float) Math.pow(length + 1 - 1, settings.lengthPenalty());
        float[] merged = new float[beams + candidates];
        for (int j = 0; j < beams; j++) {
            merged[j] = finishedScores[first + j];
        }
        for (int k = 0; k < candidates; k++) {
            float s = topScores[k] / lengthNorm;
            if (full) {
                s += NEGATIVE;
            }
            if (!improvable[b]) {
                s += NEGATIVE;
            }
            if (!(stops[k] && k < beams)) {
                s += NEGATIVE;
            }
            merged[beams + k] = s;
        }
        int[] keep = topK(new float[][] {merged}, merged.length, beams);
        long[][] keptSequences = new long[beams][];
        int[] keptLengths = new int[beams];
        float[] keptScores = new float[beams];
        boolean[] keptUsed = new boolean[beams];
        for (int j = 0; j < beams; j++) {
            int m = keep[j];
            keptScores[j] = merged[m];
            if (m < beams) {
                keptSequences[j] = finished[first + m];
                keptLengths[j] = finishedLengths[first + m];
                keptUsed[j] = finishedSlotUsed[first + m];
            } else {
                int k = m - beams;
                long[] sequence = running[first + topBeams[k]].clone();
                sequence[length] = topTokens[k];
                keptSequences[j] = sequence;
                keptLengths[j] = length + 1;
                keptUsed[j] = stops[k] && k < beams;
            }
        }
        for (int j = 0; j < beams; j++) {
            running[first + j] = nextRunning[j];
            runningScores[first + j] = runningCandidates[next[j]];
            finished[first + j] = keptSequences[j];
            finishedLengths[first + j] = keptLengths[j];
            finishedScores[first + j] = keptScores[j];
            finishedSlotUsed[first + j] = keptUsed[j];
        }
        return allStop;
    }

    private boolean allSlotsFinished(int b) {
        for (int j = 0; j < beams; j++) {
            if (!finishedSlotUsed[b * beams + j]) {
                return false;
            }
        }
        return true;
    }

    /**
     * transformers' early-stop heuristic: whether the best running beam, normalised at the current (or, for
     * NEVER with a positive penalty, the maximum) length, still beats the worst finished hypothesis.
     */
    private boolean canImprove(int b, int length) {
        int hypotheticalLength = settings.earlyStopping() == EarlyStopping.NEVER && settings.lengthPenalty() > 0
                ? maxLength - 1 : length - 1;
        float bestPossible = runningScores[b * beams] / (float) Math.pow(hypotheticalLength, settings.lengthPenalty());
        float worstFinished = Float.POSITIVE_INFINITY;
        for (int j = 0; j < beams; j++) {
            worstFinished = Math.min(worstFinished, finishedScores[b * beams + j]);
        }
        for (int j = 0; j < beams; j++) {
            float bar = finishedSlotUsed[b * beams + j] ? worstFinished : NEGATIVE;
            if (bestPossible > bar) {
                return true;
            }
        }
        return false;
    }

    /**
     * Indices (row-major over {@code rows}, each {@code width} long) of the {@code k} largest values, largest
     * first; equal values keep index order.
     */
    static int[] topK(float[][] rows, int width, int k) {
        int[] best = new int[k];
        float[] bestValues = new float[k];
        int filled = 0;
        for (int r = 0; r < rows.length; r++) {
            float[] row = rows[r];
            for (int i = 0; i < width; i++) {
                float v = row[i];
                if (filled == k && !(v > bestValues[k - 1])) {
                    continue;
                }
                // Insert after every value >= v, so that ties keep the earlier index first.
                int at = filled == k ? k - 1 : filled;
                while (at > 0 && v > bestValues[at - 1]) {
                    bestValues[at] = bestValues[at - 1];
                    best[at] = best[at - 1];
                    at--;
                }
                bestValues[at] = v;
                best[at] = r * width + i;
                filled = Math.min(k, filled + 1);
            }
        }
        return best;
    }
}

package dev.summarizer.generate;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.summarizer.runtime.Sessions;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.Map;

/**
 * Beam search's choice of continuations ({@link TokenScorer#bestContinuations}) over logits a decoder step wrote,
 * in ONNX Runtime ({@link DecodingHelperGraphs#beamCandidates}): small work, on the CPU and the calling thread, so no
 * pool spins against the decoder's.
 */
final class BeamCandidates implements AutoCloseable {
    private final OrtEnvironment env = Sessions.environment();
    private final OrtSession session;
    private final RunTimer timer;
    private final int vocab;

    BeamCandidates(int vocab, RunTimer timer) throws OrtException {
        this.session = Sessions.open(DecodingHelperGraphs.beamCandidates(vocab), 1);
        this.timer = timer;
        this.vocab = vocab;
    }

    /**
     * The {@code k} best continuations of each input over its {@code beams} consecutive rows of {@code logits}
     * ({@code [rows, 1, vocab]}).
     */
    TokenScorer.Continuations choose(OnnxTensor logits, int rows, float[] runningScores, long[][] banned, int beams, int k)
            throws OrtException {
        int batch = rows / beams;
        long[] bannedFlat = new long[2 * banned.length];
        for (int i = 0; i < banned.length; i++) {
            bannedFlat[2 * i] = banned[i][0];
            bannedFlat[2 * i + 1] = banned[i][1];
        }
        float[] minusInfinity = new float[banned.length];
        Arrays.fill(minusInfinity, Float.NEGATIVE_INFINITY);
        try (OnnxTensor scores = OnnxTensor.createTensor(env, FloatBuffer.wrap(runningScores), new long[] {rows, 1});
                OnnxTensor bannedIndices = OnnxTensor.createTensor(env, LongBuffer.wrap(bannedFlat), new long[] {banned.length, 2});
                OnnxTensor bannedValues = OnnxTensor.createTensor(env, FloatBuffer.wrap(minusInfinity), new long[] {banned.length});
                OnnxTensor shape = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[] {batch, (long) beams * vocab}),
                        new long[] {2});
                OnnxTensor kTensor = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[] {k}), new long[] {1});
                OrtSession.Result top = timer.run(session, Map.of(DecodingHelperGraphs.LOGITS, logits,
                        DecodingHelperGraphs.BEAM_SCORES, scores, DecodingHelperGraphs.BANNED_INDICES, bannedIndices,
                        DecodingHelperGraphs.BANNED_VALUES, bannedValues, DecodingHelperGraphs.CANDIDATE_SHAPE, shape,
                        DecodingHelperGraphs.K, kTensor))) {
            FloatBuffer topScores = output(top, DecodingHelperGraphs.TOP_SCORES).getFloatBuffer();
            LongBuffer topIndices = output(top, DecodingHelperGraphs.TOP_INDICES).getLongBuffer();
            float[][] outScores = new float[batch][k];
            int[][] outBeams = new int[batch][k];
            int[][] outTokens = new int[batch][k];
            for (int b = 0; b < batch; b++) {
                for (int j = 0; j < k; j++) {
                    long index = topIndices.get(b * k + j);
                    outScores[b][j] = topScores.get(b * k + j);
                    outBeams[b][j] = (int) (index / vocab);
                    outTokens[b][j] = (int) (index % vocab);
                }
            }
            return new TokenScorer.Continuations(outScores, outBeams, outTokens);
        }
    }

    private static OnnxTensor output(OrtSession.Result result, String name) {
        return (OnnxTensor) result.get(name).orElseThrow(() -> new IllegalStateException("no output " + name));
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}

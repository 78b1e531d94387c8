package dev.summarizer.training.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.summarizer.onnx.Constant;
import dev.summarizer.onnx.DType;
import dev.summarizer.onnx.Dim;
import dev.summarizer.onnx.Graph;
import dev.summarizer.onnx.OnnxModelWriter;
import dev.summarizer.onnx.Shape;
import dev.summarizer.onnx.Value;
import dev.summarizer.runtime.Sessions;
import dev.summarizer.training.artifacts.T5Loss;
import java.nio.DoubleBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every gradient rule against central finite differences in float64 on ONNX Runtime's CPU kernels (float32
 * where ONNX Runtime has no float64 kernel), including the broadcasting cases the T5 graphs rely on.
 */
class GradientRulesTest {
    private static final double TIGHT = 1e-6;

    @Test
    void addSubMulDivWithBroadcasting() throws Exception {
        GradientCheck.float64().input("a", 2, 3, 4).input("b", 4).check((g, in) -> g.add(in.get(0), in.get(1)), TIGHT);
        GradientCheck.float64().input("a", 2, 1, 4).input("b", 3, 1).check((g, in) -> g.sub(in.get(0), in.get(1)), TIGHT);
        GradientCheck.float64().input("a", 2, 3, 4).input("b", 1, 3, 1).check((g, in) -> g.mul(in.get(0), in.get(1)), TIGHT);
        GradientCheck.float64().input("a", 2, 3).range(0.5, 2).input("b", 3).check((g, in) -> g.div(in.get(0), in.get(1)), TIGHT);
        // A value used twice: gradients from both uses add up.
        GradientCheck.float64().input("a", 5).check((g, in) -> g.mul(g.add(in.get(0), in.get(0)), in.get(0)), TIGHT);
    }

    @Test
    void powSqrtReciprocalNeg() throws Exception {
        GradientCheck.float64().input("x", 3, 4).check((g, in) -> g.pow(in.get(0), g.scalar(DType.DOUBLE, 2)), TIGHT);
        GradientCheck.float64().input("x", 3, 4).check((g, in) -> g.pow(in.get(0), g.scalar(DType.DOUBLE, 3)), TIGHT);
        GradientCheck.float64().range(0.3, 3).input("x", 7).check((g, in) -> g.sqrt(in.get(0)), TIGHT);
        GradientCheck.float64().range(0.3, 3).input("x", 7).check((g, in) -> g.reciprocal(in.get(0)), TIGHT);
        GradientCheck.float64().input("x", 7).check((g, in) -> g.neg(in.get(0)), TIGHT);
    }

    @Test
    void activations() throws Exception {
        // Relu is not differentiable at 0; random inputs avoid it.
        GradientCheck.float64().input("x", 4, 5).check((g, in) -> g.relu(in.get(0)), TIGHT);
        GradientCheck.float64().input("x", 4, 5).check((g, in) -> g.tanh(in.get(0)), TIGHT);
        GradientCheck.float64().input("x", 4, 5).check((g, in) -> g.sigmoid(in.get(0)), TIGHT);
        GradientCheck.float64().input("x", 4, 5).check((g, in) -> g.exp(in.get(0)), TIGHT);
        GradientCheck.float64().range(0.2, 2).input("x", 4, 5).check((g, in) -> g.log(in.get(0)), TIGHT);
        // ONNX Runtime has no float64 Erf kernel.
        GradientCheck.float32().input("x", 4, 5).check((g, in) -> g.erf(in.get(0)), 2e-3);
    }

    @Test
    void matMulPlainLinearAndBatched() throws Exception {
        GradientCheck.float64().input("a", 3, 4).input("b", 4, 5).check((g, in) -> g.matMul(in.get(0), in.get(1)), TIGHT);
        // A linear layer: batched activations times a 2-D weight (the weight gradient takes the flattened path).
        GradientCheck.float64().input("a", 2, 3, 4).input("w", 4, 5).check((g, in) -> g.matMul(in.get(0), in.get(1)), TIGHT);
        // Attention scores: both sides batched.
        GradientCheck.float64().input("q", 2, 3, 4, 5).input("k", 2, 3, 5, 6).check((g, in) -> g.matMul(in.get(0), in.get(1)), TIGHT);
        // A broadcast batch axis on one side.
        GradientCheck.float64().input("a", 2, 1, 3, 4).input("b", 3, 4, 2).check((g, in) -> g.matMul(in.get(0), in.get(1)), TIGHT);
    }

    @Test
    void reductionsAndSoftmaxes() throws Exception {
        GradientCheck.float64().input("x", 2, 3, 4).check((g, in) -> g.reduceMean(in.get(0), true, -1), TIGHT);
        GradientCheck.float64().input("x", 2, 3, 4).check((g, in) -> g.reduceMean(in.get(0), false, 0, 2), TIGHT);
        GradientCheck.float64().input("x", 2, 3, 4).check((g, in) -> g.reduceSum(in.get(0), false, 1), TIGHT);
        GradientCheck.float64().input("x", 2, 3, 4).check((g, in) -> g.reduceSum(in.get(0), true, 0, 2), TIGHT);
        GradientCheck.float64().input("x", 2, 3, 5).check((g, in) -> g.softmax(in.get(0), -1), TIGHT);
        GradientCheck.float64().input("x", 2, 3, 5).check((g, in) -> g.logSoftmax(in.get(0), -1), TIGHT);
    }

    @Test
    void shapes() throws Exception {
        GradientCheck.float64().input("x", 2, 3, 4).check((g, in) -> g.reshape(in.get(0), 0, -1), TIGHT);
        GradientCheck.float64().input("x", 2, 3, 4).check((g, in) -> g.transpose(in.get(0), 2, 0, 1), TIGHT);
        GradientCheck.float64().input("x", 2, 3).check((g, in) -> g.unsqueeze(in.get(0), 0, 2), TIGHT);
        GradientCheck.float64().input("x", 2, 1, 3).check((g, in) -> g.squeeze(in.get(0), 1), TIGHT);
        GradientCheck.float64().input("x", 1, 3).check(
                (g, in) -> g.expand(in.get(0), g.constantLongs(4, 3), Shape.fixed(4, 3)), TIGHT);
        GradientCheck.float64().input("a", 2, 3).input("b", 2, 5).input("c", 2, 1)
                .check((g, in) -> g.concat(1, null, in.get(0), in.get(1), in.get(2)), TIGHT);
        GradientCheck.float64().input("x", 3, 6).check((g, in) -> g.slice(in.get(0), 1, 1, -2), TIGHT);
        GradientCheck.float64().input("x", 4, 6).check((g, in) -> g.slice(in.get(0), 0, -3, Long.MAX_VALUE), TIGHT);
        GradientCheck.float64().input("x", 2, 3).check((g, in) -> g.identity(in.get(0)), TIGHT);
    }

    @Test
    void whereAndCast() throws Exception {
        GradientCheck.float64().input("a", 2, 3).input("b", 3).check((g, in) -> {
            Value condition = g.constant(new Constant(DType.BOOL, new long[] {2, 3}, new boolean[] {true, false, true, false, false, true}));
            return g.where(condition, in.get(0), in.get(1));
        }, TIGHT);
        // Float32 inputs (a float64 round trip through float32 is not smooth at float64 step sizes).
        GradientCheck.float32().input("x", 2, 3).check((g, in) -> {
            Value wide = g.cast(in.get(0), DType.DOUBLE);
            return g.cast(g.mul(wide, wide), DType.FLOAT);
        }, 2e-3);
    }

    @Test
    void gatherSendsRowGradientsBackThroughScatterNdAdd() throws Exception {
        // Repeated indices: the same embedding row receives several gradients, which must add up.
        GradientCheck.float64().input("table", 5, 3).check((g, in) -> {
            Value ids = g.constant(new Constant(DType.INT64, new long[] {2, 3}, new long[] {4, 0, 4, 1, 4, 2}));
            return g.gather(in.get(0), ids, 0);
        }, TIGHT);
        GradientCheck.float64().input("x", 2, 4).check((g, in) -> {
            Value idx = g.constant(new Constant(DType.INT64, new long[] {2, 3}, new long[] {3, 0, 3, 1, 1, 2}));
            return g.gatherElements(in.get(0), idx, 1);
        }, TIGHT);
    }

    @Test
    void crossEntropyWithIgnoredLabelsAndSmoothing() throws Exception {
        for (double smoothing : new double[] {0, 0.1}) {
            GradientCheck.float64().range(-3, 3).input("logits", 2, 3, 5).check((g, in) -> {
                Value labels = g.constant(new Constant(DType.INT64, new long[] {2, 3}, new long[] {4, 0, -100, 2, -100, -100}));
                return T5Loss.crossEntropy(g, in.get(0), labels, smoothing);
            }, TIGHT);
        }
    }

    /** The loss CUDA sessions build from LogSoftmax, GatherElements and a masked mean (no new rule, a new composition). */
    @Test
    void decomposedCrossEntropyWithIgnoredLabelsAndSmoothing() throws Exception {
        for (double smoothing : new double[] {0, 0.1}) {
            GradientCheck.float64().range(-3, 3).input("logits", 2, 3, 5).check((g, in) -> {
                Value labels = g.constant(new Constant(DType.INT64, new long[] {2, 3}, new long[] {4, 0, -100, 2, -100, 4}));
                return T5Loss.crossEntropy(g, in.get(0), labels, smoothing, T5Loss.Form.DECOMPOSED);
            }, TIGHT);
        }
    }

    /** A LoRA-adapted linear layer, x W^T + (x A^T B^T) * s, with respect to x and both factors (W frozen). */
    @Test
    void loraLinearLayer() throws Exception {
        GradientCheck.float64().input("x", 2, 3, 4).input("a", 2, 4).input("b", 5, 2).check((g, in) -> {
            Value w = g.constant(new Constant(DType.DOUBLE, new long[] {5, 4}, new double[] {
                0.3, -0.1, 0.2, 0.5, -0.4, 0.1, 0.0, 0.2, 0.7, -0.3, 0.1, 0.1, -0.2, 0.4, 0.6, -0.5, 0.2, 0.2, -0.1, 0.3}));
            Value x = in.get(0);
            Value low = g.matMul(g.matMul(x, g.transpose(in.get(1), 1, 0)), g.transpose(in.get(2), 1, 0));
            return g.add(g.matMul(x, g.transpose(w, 1, 0)), g.mul(low, g.scalarLike(low, 2.0)));
        }, TIGHT);
    }

    @Test
    void crossEntropyIsTheMeanNegativeLogLikelihoodOfCountedTokens() throws Exception {
        // logits [1, 2, 3] with labels [2, -100]: only the first token counts.
        Graph g = new Graph("ce");
        Value logits = g.input("logits", DType.DOUBLE, Dim.of(1), Dim.of(2), Dim.of(3));
        Value labels = g.constant(new Constant(DType.INT64, new long[] {1, 2}, new long[] {2, -100}));
        g.output("loss", T5Loss.crossEntropy(g, logits, labels, 0));
        double[] x = {0.5, -1, 2, 3, 3, 3};
        double expected = -(2 - Math.log(Math.exp(0.5) + Math.exp(-1) + Math.exp(2)));
        try (OrtSession s = Sessions.environment().createSession(OnnxModelWriter.toModel(g).toByteArray(), new OrtSession.SessionOptions());
                OnnxTensor t = OnnxTensor.createTensor(Sessions.environment(), DoubleBuffer.wrap(x), new long[] {1, 2, 3});
                OrtSession.Result r = s.run(Map.of("logits", t))) {
            assertEquals(expected, ((OnnxTensor) r.get(0)).getDoubleBuffer().get(0), 1e-12);
        }
    }

    @Test
    void dropoutGradientIsTheKeptMaskScaledLikeTheForward() throws Exception {
        Graph g = new Graph("dropout");
        Value x = g.input("x", DType.DOUBLE, Dim.of(64));
        List<Value> dropped = g.dropout(x, 0.25, 7);
        Value loss = g.reduceSum(g.mul(dropped.get(0), g.constant(weights(64))), false, 0);
        Value grad = Gradients.of(g, loss, List.of(x), g.scalar(DType.DOUBLE, 1)).get("x");
        g.output("y", dropped.get(0));
        g.output("mask", dropped.get(1));
        g.output("grad", grad);
        double[] input = new double[64];
        for (int i = 0; i < 64; i++) {
            input[i] = i + 1;
        }
        try (OrtSession s = Sessions.environment().createSession(OnnxModelWriter.toModel(g).toByteArray(), new OrtSession.SessionOptions());
                OnnxTensor t = OnnxTensor.createTensor(Sessions.environment(), DoubleBuffer.wrap(input), new long[] {64});
                OrtSession.Result r = s.run(Map.of("x", t))) {
            double[] y = doubles((OnnxTensor) r.get("y").orElseThrow());
            boolean[] mask = (boolean[]) ((OnnxTensor) r.get("mask").orElseThrow()).getValue();
            double[] dx = doubles((OnnxTensor) r.get("grad").orElseThrow());
            double[] w = (double[]) weights(64).data();
            int kept = 0;
            for (int i = 0; i < 64; i++) {
                double scale = mask[i] ? 1 / 0.75 : 0;
                assertEquals(input[i] * scale, y[i], 1e-12, "forward " + i);
                assertEquals(w[i] * scale, dx[i], 1e-12, "gradient " + i);
                kept += mask[i] ? 1 : 0;
            }
            assertTrue(kept > 32 && kept < 64, "about three quarters kept: " + kept);
        }
    }

    @Test
    void anOperatorWithoutARuleIsNamed() {
        Graph g = new Graph("none");
        Value x = g.input("x", DType.DOUBLE, Dim.of(3));
        Value y = g.op("Floor", List.of(x), Map.of(), DType.DOUBLE, x.shape());
        Value loss = g.reduceSum(y, false, 0);
        var e = assertThrows(UnsupportedOperationException.class, () -> Gradients.of(g, loss, List.of(x), g.scalar(DType.DOUBLE, 1)));
        assertTrue(e.getMessage().startsWith("no gradient rule for Floor"), e.getMessage());
    }

    private static Constant weights(int n) {
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = Math.sin(i + 1);
        }
        return new Constant(DType.DOUBLE, new long[] {n}, w);
    }

    private static double[] doubles(OnnxTensor t) {
        DoubleBuffer b = t.getDoubleBuffer();
        double[] out = new double[b.remaining()];
        b.get(out);
        return out;
    }
}

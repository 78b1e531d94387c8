package dev.summarizer.training.artifacts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.summarizer.onnx.Constant;
import dev.summarizer.onnx.DType;
import dev.summarizer.onnx.Dim;
import dev.summarizer.onnx.Graph;
import dev.summarizer.onnx.OnnxModelWriter;
import dev.summarizer.onnx.Value;
import dev.summarizer.runtime.Device;
import dev.summarizer.runtime.Sessions;
import dev.summarizer.training.autodiff.Gradients;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The two forms of the loss, in float32 on ONNX Runtime's CPU kernels: the fused SoftmaxCrossEntropyLoss (CPU
 * sessions) and LogSoftmax with GatherElements (CUDA sessions) give the same loss to 1e-6 and the same gradient of
 * the logits to 1e-6 (5e-6 with label smoothing), over a vocabulary of 4099, with ignored labels.
 */
class T5LossFormsTest {
    private static final int BATCH = 3;
    private static final int LENGTH = 7;
    private static final int VOCAB = 4099;

    @ParameterizedTest
    @ValueSource(doubles = {0, 0.1})
    void fusedAndDecomposedAgree(double smoothing) throws Exception {
        Random random = new Random(3);
        float[] logits = new float[BATCH * LENGTH * VOCAB];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (4 * random.nextGaussian());
        }
        long[] labels = new long[BATCH * LENGTH];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 5 == 4 ? T5Loss.IGNORE_INDEX : random.nextInt(VOCAB);
        }
        float[][] fused = run(T5Loss.Form.FUSED, smoothing, logits, labels);
        float[][] decomposed = run(T5Loss.Form.DECOMPOSED, smoothing, logits, labels);
        assertEquals(fused[0][0], decomposed[0][0], 1e-6 * Math.abs(fused[0][0]), "loss");
        double norm = 0;
        double difference = 0;
        for (int i = 0; i < fused[1].length; i++) {
            norm += (double) fused[1][i] * fused[1][i];
            difference += ((double) fused[1][i] - decomposed[1][i]) * ((double) fused[1][i] - decomposed[1][i]);
        }
        // With smoothing, the decomposed form adds both terms' gradients before LogSoftmax's backward sums them over the
        // vocabulary, in float32: that sum's rounding (a few 1e-6 of it, seen 1.6e-6) reaches every element.
        double tolerance = smoothing == 0 ? 1e-6 : 5e-6;
        assertEquals(0, Math.sqrt(difference), tolerance * Math.sqrt(norm), "|difference of the logits' gradients|");
        assertEquals(T5Loss.Form.FUSED, T5Loss.Form.forDevice(Device.CPU));
        assertEquals(T5Loss.Form.DECOMPOSED, T5Loss.Form.forDevice(Device.CUDA));
    }

    /** The loss and its gradient with respect to the logits. */
    private static float[][] run(T5Loss.Form form, double smoothing, float[] logits, long[] labels) throws Exception {
        Graph g = new Graph("loss");
        Value x = g.input("logits", DType.FLOAT, Dim.of(BATCH), Dim.of(LENGTH), Dim.of(VOCAB));
        Value y = g.constant(new Constant(DType.INT64, new long[] {BATCH, LENGTH}, labels));
        Value loss = T5Loss.crossEntropy(g, x, y, smoothing, form);
        Value grad = Gradients.of(g, loss, List.of(x), g.scalar(DType.FLOAT, 1)).get("logits");
        g.output("loss", loss);
        g.output("grad", grad);
        try (OrtSession s = Sessions.open(OnnxModelWriter.toModel(g).toByteArray(), 1);
                OnnxTensor t = OnnxTensor.createTensor(Sessions.environment(), FloatBuffer.wrap(logits),
                        new long[] {BATCH, LENGTH, VOCAB});
                OrtSession.Result r = s.run(Map.of("logits", t))) {
            FloatBuffer l = ((OnnxTensor) r.get("loss").orElseThrow()).getFloatBuffer();
            FloatBuffer d = ((OnnxTensor) r.get("grad").orElseThrow()).getFloatBuffer();
            float[] gradient = new float[d.remaining()];
            d.get(gradient);
            return new float[][] {{l.get(0)}, gradient};
        }
    }
}

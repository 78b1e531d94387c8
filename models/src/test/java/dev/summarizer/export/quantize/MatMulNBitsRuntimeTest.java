package dev.summarizer.export.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import dev.summarizer.onnx.DType;
import dev.summarizer.onnx.Dim;
import dev.summarizer.onnx.Graph;
import dev.summarizer.onnx.OnnxModelWriter;
import dev.summarizer.onnx.Shape;
import dev.summarizer.onnx.Value;
import dev.summarizer.testing.OrtRunner;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * ONNX Runtime runs a one-node MatMulNBits model whose B and scales come from our packer, and computes
 * {@code x @ dequant(W)^T} with dequant decoded from the spec. With accuracy_level 0 the kernel works in float32
 * and matches to 1e-5 relative; with 4 it quantizes x to int8 blockwise too, so it matches only to that
 * quantization's error.
 */
class MatMulNBitsRuntimeTest {
    private static final int BATCH = 2;
    private static final int LENGTH = 3;

    @TempDir
    Path dir;

    private static double[] run(Path dir, MatMulNBitsWeights q, float[] x, int accuracyLevel) throws Exception {
        Graph g = new Graph("matmul_nbits");
        Value input = g.input("x", DType.FLOAT, Dim.of(BATCH), Dim.of(LENGTH), Dim.of(q.k()));
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("K", (long) q.k());
        attributes.put("N", (long) q.n());
        attributes.put("bits", (long) q.bits());
        attributes.put("block_size", (long) q.blockSize());
        attributes.put("accuracy_level", (long) accuracyLevel);
        Value y = g.domainOp("com.microsoft", "MatMulNBits",
                List.of(input, g.initializer("B", q.packedConstant()), g.initializer("scales", q.scalesConstant())),
                attributes, DType.FLOAT, Shape.of(Dim.of(BATCH), Dim.of(LENGTH), Dim.of(q.n())));
        g.output("y", y);
        Path file = dir.resolve("matmul_nbits_" + q.bits() + "_" + q.blockSize() + "_" + accuracyLevel + ".onnx");
        OnnxModelWriter.write(g, file);
        try (OrtRunner runner = new OrtRunner(file)) {
            OrtRunner.Output out = runner.floats("x", x, BATCH, LENGTH, q.k()).run().get("y");
            assertArrayEquals(new long[] {BATCH, LENGTH, q.n()}, out.shape());
            return MatMulNBitsWeightsTest.toDouble(out.values());
        }
    }

    /** max |actual - expected| / max |expected|. */
    private static double relativeError(double[] expected, double[] actual) {
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < expected.length; i++) {
            diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        return diff / scale;
    }

    @ParameterizedTest(name = "{0} bits, block {1}, K {2}, N {3}")
    @CsvSource({"4, 32, 80, 24", "4, 128, 300, 40", "8, 32, 80, 24", "8, 128, 300, 40", "4, 32, 64, 16", "8, 128, 256, 16"})
    void runtimeMultipliesByTheDequantizedWeight(int bits, int blockSize, int k, int n) throws Exception {
        SplittableRandom random = new SplittableRandom(1000L * bits + k);
        float[] w = MatMulNBitsWeightsTest.gaussian(random, n * k, 0.1);
        float[] x = MatMulNBitsWeightsTest.gaussian(random, BATCH * LENGTH * k, 1);
        MatMulNBitsWeights q = MatMulNBitsWeights.quantize(w, n, k, bits, blockSize);
        double[] expected = MatMulNBitsWeightsTest.matMulTransposed(MatMulNBitsWeightsTest.toDouble(x),
                MatMulNBitsWeightsTest.specDequantize(q.packed(), q.scales(), bits, blockSize, n, k), BATCH * LENGTH, n, k);

        double exact = relativeError(expected, run(dir, q, x, 0));
        assertTrue(exact <= 1e-5, "accuracy_level 0: relative error " + exact);
        double int8 = relativeError(expected, run(dir, q, x, 4));
        System.out.printf("MatMulNBits %d bits, block %d, K %d, N %d: relative error %.2g at accuracy_level 0, %.2g at 4%n",
                bits, blockSize, k, n, exact, int8);
        assertTrue(int8 <= 2e-2, "accuracy_level 4: relative error " + int8);
    }

    @Test
    void theWrittenModelImportsTheContribOperatorSet() throws Exception {
        Graph g = new Graph("g");
        Value x = g.input("x", DType.FLOAT, Dim.of(1), Dim.of(32));
        MatMulNBitsWeights q = MatMulNBitsWeights.quantize(new float[64], 2, 32, 4, 32);
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("K", 32L);
        attributes.put("N", 2L);
        attributes.put("bits", 4L);
        attributes.put("block_size", 32L);
        g.output(g.domainOp("com.microsoft", "MatMulNBits",
                List.of(x, g.initializer("B", q.packedConstant()), g.initializer("scales", q.scalesConstant())),
                attributes, DType.FLOAT, Shape.of(Dim.of(1), Dim.of(2))));
        ModelProto model = OnnxModelWriter.toModel(g);
        assertArrayEquals(new String[] {":17", "com.microsoft:1"}, model.getOpsetImportList().stream()
                .map((OperatorSetIdProto o) -> o.getDomain() + ":" + o.getVersion()).toArray(String[]::new));
        assertTrue(model.getGraph().getNode(0).getDomain().equals("com.microsoft"));
    }
}

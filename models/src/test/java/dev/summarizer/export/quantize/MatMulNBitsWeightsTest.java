package dev.summarizer.export.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The packer against the MatMulNBits spec, decoded here by hand: B is {@code [N, k_blocks, blob_size]} bytes
 * (4-bit codes two a byte, the first in the low nibble), scales {@code [N * k_blocks]}, and with no zero-point
 * input a code q means {@code (q - 2^(bits-1)) * scale}. ONNX Runtime's quantizer picks
 * {@code scale = -m / 2^(bits-1)} for the block's value m of largest magnitude and rounds to the nearest code.
 */
class MatMulNBitsWeightsTest {

    /** The byte layout read straight from the spec: the code of W[row, column]. */
    static int specCode(byte[] packed, int bits, int blockSize, int k, int row, int column) {
        int kBlocks = (k + blockSize - 1) / blockSize;
        int blobSize = blockSize * bits / 8;
        int byteIndex = (row * kBlocks + column / blockSize) * blobSize + (column % blockSize) * bits / 8;
        int b = packed[byteIndex] & 0xFF;
        if (bits == 8) {
            return b;
        }
        return (column % 2 == 0) ? (b & 0xF) : (b >>> 4);
    }

    /** The spec's dequantization, in double: {@code (code - 2^(bits-1)) * scale}. */
    static double[] specDequantize(byte[] packed, float[] scales, int bits, int blockSize, int n, int k) {
        int kBlocks = (k + blockSize - 1) / blockSize;
        double[] w = new double[n * k];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < k; c++) {
                double scale = scales[r * kBlocks + c / blockSize];
                w[r * k + c] = (specCode(packed, bits, blockSize, k, r, c) - Math.pow(2, bits - 1)) * scale;
            }
        }
        return w;
    }

    /** {@code x [m, k] @ w[n, k]^T} in double. */
    static double[] matMulTransposed(double[] x, double[] w, int m, int n, int k) {
        double[] y = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int c = 0; c < k; c++) {
                    sum += x[i * k + c] * w[j * k + c];
                }
                y[i * n + j] = sum;
            }
        }
        return y;
    }

    static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    static float[] gaussian(SplittableRandom random, int count, double std) {
        float[] v = new float[count];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (std * random.nextGaussian());
        }
        return v;
    }

    /**
     * Checks every block of a quantized {@code w [n, k]}: its scale is {@code -m / 2^(bits-1)}, each code is
     * the nearest level (the opposite extreme may clamp to the top code, one level short), padding is the zero
     * code; then that {@code x @ dequant(W)^T} is {@code x @ W^T} within the quantization error.
     */
    static void assertQuantizedFaithfully(float[] w, int n, int k, int bits, int blockSize) {
        MatMulNBitsWeights q = MatMulNBitsWeights.quantize(w, n, k, bits, blockSize);
        int kBlocks = (k + blockSize - 1) / blockSize;
        int blobSize = blockSize * bits / 8;
        int zero = 1 << (bits - 1);
        int top = (1 << bits) - 1;
        assertEquals(n * kBlocks * blobSize, q.packed().length, "B holds [N, k_blocks, blob_size] bytes");
        assertEquals(n * kBlocks, q.scales().length, "one scale per block");
        assertArrayEquals(new long[] {n, kBlocks, blobSize}, q.packedConstant().shape());

        double[] dequantized = specDequantize(q.packed(), q.scales(), bits, blockSize, n, k);
        for (int r = 0; r < n; r++) {
            for (int b = 0; b < kBlocks; b++) {
                int from = b * blockSize;
                int to = Math.min(k, from + blockSize);
                float largest = 0;
                for (int c = from; c < to; c++) {
                    float v = w[r * k + c];
                    // Ties go to the negative value, as in ORT's |max| > |min| ? max : min.
                    if (Math.abs(v) > Math.abs(largest) || (Math.abs(v) == Math.abs(largest) && v < largest)) {
                        largest = v;
                    }
                }
                float scale = q.scales()[r * kBlocks + b];
                assertEquals(-largest / zero, scale, Math.ulp(largest / zero), "scale of row " + r + " block " + b);
                for (int c = from; c < to; c++) {
                    double v = w[r * k + c];
                    int code = specCode(q.packed(), bits, blockSize, k, r, c);
                    String where = "W[" + r + ", " + c + "] = " + v + " (scale " + scale + ", code " + code + ")";
                    if (scale == 0) {
                        assertEquals(zero, code, where + ": a zero block has the zero code");
                        assertEquals(0.0, dequantized[r * k + c], 0.0, where);
                        continue;
                    }
                    double exact = v / scale + zero;
                    double nearest = Math.max(0, Math.min(top, Math.floor(exact + 0.5)));
                    // Float rounding of v * (1 / scale) may tip an exact half the other way.
                    boolean nearHalf = Math.abs(exact - Math.floor(exact) - 0.5) < 1e-4;
                    assertTrue(code == nearest || (nearHalf && Math.abs(code - exact) <= 0.5 + 1e-4), where + ": nearest code is " + nearest);
                    double bound = Math.abs(scale) * (code == top && exact > top ? 1.0 : 0.5) * (1 + 1e-5);
                    assertTrue(Math.abs(dequantized[r * k + c] - v) <= bound, where + ": dequantized to " + dequantized[r * k + c]);
                }
                for (int c = to; c < from + blockSize; c++) {
                    int byteIndex = (r * kBlocks + b) * blobSize + (c - from) * bits / 8;
                    int padding = bits == 8 ? q.packed()[byteIndex] & 0xFF
                            : (c % 2 == 0 ? q.packed()[byteIndex] & 0xF : (q.packed()[byteIndex] & 0xFF) >>> 4);
                    assertEquals(zero, padding, "padding of row " + r + " at " + c + " is the zero code");
                }
            }
        }

        // The product: x @ dequant(W)^T against x @ W^T, within the sum of |x| times each weight's error bound.
        int m = 3;
        double[] x = toDouble(gaussian(new SplittableRandom(k), m * k, 1));
        double[] exact = matMulTransposed(x, toDouble(w), m, n, k);
        double[] quantized = matMulTransposed(x, dequantized, m, n, k);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double bound = 0;
                for (int c = 0; c < k; c++) {
                    bound += Math.abs(x[i * k + c]) * Math.abs(q.scales()[j * kBlocks + c / blockSize]);
                }
                assertTrue(Math.abs(quantized[i * n + j] - exact[i * n + j]) <= bound * (1 + 1e-9),
                        "y[" + i + ", " + j + "] off by " + Math.abs(quantized[i * n + j] - exact[i * n + j]));
            }
        }
        // The packer's own dequantize, used by the other tests, agrees with the spec decoding above.
        float[] own = q.dequantize();
        for (int i = 0; i < own.length; i++) {
            assertEquals((float) dequantized[i], own[i], "dequantize() at " + i);
        }
    }

    @ParameterizedTest(name = "{0} bits, block {1}, W [{2}, {3}]")
    @CsvSource({"4, 32, 7, 64", "4, 32, 5, 80", "4, 16, 3, 17", "4, 128, 4, 300", "4, 256, 2, 40",
            "8, 32, 7, 64", "8, 32, 5, 80", "8, 16, 3, 17", "8, 128, 4, 300", "8, 256, 2, 40"})
    void randomWeightsDecodeToThemselvesWithinHalfAStep(int bits, int blockSize, int n, int k) {
        assertQuantizedFaithfully(gaussian(new SplittableRandom(31L * n + k), n * k, 0.05), n, k, bits, blockSize);
    }

    @ParameterizedTest(name = "{0} bits")
    @CsvSource({"4", "8"})
    void zeroBlocksOutliersAndExtremeMagnitudes(int bits) {
        int n = 7;
        int k = 48; // blocks of 16: three per row
        float[] w = gaussian(new SplittableRandom(7), n * k, 1);
        java.util.Arrays.fill(w, 0, 16, 0f); // row 0, block 0: all zero
        java.util.Arrays.fill(w, k + 16, k + 48, 0f); // row 1, blocks 1 and 2: all zero
        w[2 * k + 3] = 1000f; // row 2: an outlier dominating its block
        w[2 * k + 20] = -1000f;
        for (int c = 0; c < k; c++) {
            w[3 * k + c] = (c % 2 == 0 ? 1 : -1) * (3.0e38f / k) * (c + 1); // row 3: near Float.MAX_VALUE
            w[4 * k + c] = (float) (1e-30 * (c - 20)); // row 4: tiny
            w[5 * k + c] = c < 16 ? 0.5f : (c < 32 ? -0.5f : (c % 2 == 0 ? 0.25f : -0.25f)); // equal magnitudes, ties
            w[6 * k + c] = (c - 20) * 1e-40f; // row 6: subnormal, so are the scales
        }
        assertQuantizedFaithfully(w, n, k, bits, 16);
        MatMulNBitsWeights q = MatMulNBitsWeights.quantize(w, n, k, bits, 16);
        assertEquals(0f, q.scales()[0], 0f, "an all-zero block has scale 0");
        assertEquals(0, specCode(q.packed(), bits, 16, k, 2, 3), "the block's largest value takes the lowest code");
        assertEquals(0, specCode(q.packed(), bits, 16, k, 2, 20), "and so does the other block's");
        // Equal magnitudes of both signs: the negative one sets the scale, so it gets the lowest code and the
        // positive one clamps to the top code.
        assertEquals(0, specCode(q.packed(), bits, 16, k, 5, 33));
        assertEquals((1 << bits) - 1, specCode(q.packed(), bits, 16, k, 5, 32));
    }

    @Test
    void fourBitCodesFillTheLowNibbleFirst() {
        // One row, one block of 16: values chosen so the codes are 0, 1, ..., 15 in order.
        float[] w = new float[16];
        for (int c = 0; c < 16; c++) {
            w[c] = -(c - 8) * 0.125f; // m = w[0] = 1, so the scale is -1/8 and w[c] has code c
        }
        MatMulNBitsWeights q = MatMulNBitsWeights.quantize(w, 1, 16, 4, 16);
        assertEquals(-0.125f, q.scales()[0]);
        for (int i = 0; i < 8; i++) {
            assertEquals((2 * i) | (2 * i + 1) << 4, q.packed()[i] & 0xFF, "byte " + i);
        }
    }

    @Test
    void rejectsWhatTheKernelCannotTake() {
        float[] w = new float[64];
        assertThrows(IllegalArgumentException.class, () -> MatMulNBitsWeights.quantize(w, 2, 32, 3, 32));
        assertThrows(IllegalArgumentException.class, () -> MatMulNBitsWeights.quantize(w, 2, 32, 4, 24));
        assertThrows(IllegalArgumentException.class, () -> MatMulNBitsWeights.quantize(w, 2, 32, 4, 8));
        assertThrows(IllegalArgumentException.class, () -> MatMulNBitsWeights.quantize(w, 2, 31, 4, 32));
        w[5] = Float.NaN;
        assertThrows(IllegalArgumentException.class, () -> MatMulNBitsWeights.quantize(w, 2, 32, 8, 32));
    }
}

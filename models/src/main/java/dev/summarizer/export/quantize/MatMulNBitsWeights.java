package dev.summarizer.export.quantize;

import dev.summarizer.onnx.Constant;
import dev.summarizer.onnx.DType;

/**
 * A linear weight {@code W [n, k]} (Hugging Face's {@code [out, in]}) quantized for
 * {@code com.microsoft.MatMulNBits}: each row is cut along {@code k} into blocks of {@code blockSize}, the last
 * one padded, and every block gets one float scale. {@code packed} is the operator's input B,
 * {@code [n, kBlocks, blobSize]} bytes; {@code scales} its input of that name, {@code [n * kBlocks]}.
 *
 * <p>Symmetric, with no zero-point input, so the kernel dequantizes code {@code q} as
 * {@code (q - 2^(bits-1)) * scale}. As ONNX Runtime's own quantizer ({@code matmul_nbits_quantizer.py}, through
 * MLAS's blockwise quantizer) does, a block's scale is {@code -m / 2^(bits-1)} where {@code m} is its value of
 * largest magnitude, sign included: {@code m} gets code 0, the most negative level, and the opposite extreme
 * clamps to the top code. Codes are {@code round(v * (1 / scale) + 2^(bits-1))}, clamped; padding is the zero
 * code. With 4 bits, two codes share a byte, the first in the low nibble.
 */
public record MatMulNBitsWeights(int bits, int blockSize, int n, int k, byte[] packed, float[] scales) {

    public MatMulNBitsWeights {
        if (packed.length != (long) n * kBlocks(k, blockSize) * blobSize(bits, blockSize)
                || scales.length != (long) n * kBlocks(k, blockSize)) {
            throw new IllegalArgumentException("packed data does not fit [" + n + ", " + k + "] in blocks of " + blockSize);
        }
    }

    /** Quantizes row-major {@code w [n, k]} with the bit width and block size of {@code spec}. */
    public static MatMulNBitsWeights quantize(float[] w, int n, int k, QuantizationSpec spec) {
        return quantize(w, n, k, spec.bits(), spec.blockSize());
    }

    public static MatMulNBitsWeights quantize(float[] w, int n, int k, int bits, int blockSize) {
        new QuantizationSpec(bits, blockSize, 0); // validates both
        if (w.length != (long) n * k) {
            throw new IllegalArgumentException("weight has " + w.length + " values, not " + n + " x " + k);
        }
        int kBlocks = kBlocks(k, blockSize);
        int blobSize = blobSize(bits, blockSize);
        int zeroCode = 1 << (bits - 1);
        int maxCode = (1 << bits) - 1;
        byte[] packed = new byte[Math.multiplyExact(Math.multiplyExact(n, kBlocks), blobSize)];
        float[] scales = new float[n * kBlocks];
        int[] codes = new int[blockSize];
        for (int row = 0; row < n; row++) {
            for (int block = 0; block < kBlocks; block++) {
                int start = row * k + block * blockSize;
                int length = Math.min(blockSize, k - block * blockSize);
                float min = Float.POSITIVE_INFINITY;
                float max = Float.NEGATIVE_INFINITY;
                for (int i = 0; i < length; i++) {
                    float v = w[start + i];
                    if (!Float.isFinite(v)) {
                        throw new IllegalArgumentException("weight [" + row + ", " + (block * blockSize + i) + "] is " + v);
                    }
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
                float extreme = Math.abs(max) > Math.abs(min) ? max : min;
                float scale = -extreme / zeroCode;
                float reciprocal = scale != 0 ? 1.0f / scale : 0.0f;
                java.util.Arrays.fill(codes, zeroCode);
                for (int i = 0; i < length; i++) {
                    float v = w[start + i];
                    // A subnormal scale has no float reciprocal; double division then gives the same codes.
                    double scaled = Float.isInfinite(reciprocal) ? (double) v / scale + zeroCode : v * reciprocal + zeroCode;
                    codes[i] = (int) Math.max(0, Math.min(maxCode, Math.round(scaled)));
                }
                scales[row * kBlocks + block] = scale;
                int blob = (row * kBlocks + block) * blobSize;
                if (bits == 8) {
                    for (int i = 0; i < blockSize; i++) {
                        packed[blob + i] = (byte) codes[i];
                    }
                } else {
                    for (int i = 0; i < blobSize; i++) {
                        packed[blob + i] = (byte) (codes[2 * i] | codes[2 * i + 1] << 4);
                    }
                }
            }
        }
        return new MatMulNBitsWeights(bits, blockSize, n, k, packed, scales);
    }

    public static int kBlocks(int k, int blockSize) {
        return (k + blockSize - 1) / blockSize;
    }

    public static int blobSize(int bits, int blockSize) {
        return blockSize * bits / 8;
    }

    public int kBlocks() {
        return kBlocks(k, blockSize);
    }

    public int blobSize() {
        return blobSize(bits, blockSize);
    }

    /** The unsigned code of {@code W[row, column]}. */
    public int code(int row, int column) {
        int block = column / blockSize;
        int within = column % blockSize;
        int blob = (row * kBlocks() + block) * blobSize();
        if (bits == 8) {
            return packed[blob + within] & 0xFF;
        }
        int pair = packed[blob + within / 2] & 0xFF;
        return within % 2 == 0 ? pair & 0x0F : pair >> 4;
    }

    /** What the kernel multiplies by: {@code W'[n, k]}, row-major, with {@code W'[r, c] = (code - 2^(bits-1)) * scale}. */
    public float[] dequantize() {
        int zeroCode = 1 << (bits - 1);
        float[] w = new float[n * k];
        for (int row = 0; row < n; row++) {
            for (int column = 0; column < k; column++) {
                w[row * k + column] = (code(row, column) - zeroCode) * scales[row * kBlocks() + column / blockSize];
            }
        }
        return w;
    }

    /** MatMulNBits' input B, {@code [n, kBlocks, blobSize]} uint8. */
    public Constant packedConstant() {
        return new Constant(DType.UINT8, new long[] {n, kBlocks(), blobSize()}, packed);
    }

    /** MatMulNBits' input scales, {@code [n * kBlocks]} float. */
    public Constant scalesConstant() {
        return new Constant(DType.FLOAT, new long[] {scales.length}, scales);
    }
}

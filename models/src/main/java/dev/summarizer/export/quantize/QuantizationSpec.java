package dev.summarizer.export.quantize;

/**
 * How linear weights become {@code com.microsoft.MatMulNBits}: {@code bits} (8 or 4) per weight, symmetric, one
 * float scale per {@code blockSize} consecutive input features of an output row, and the kernel's
 * {@code accuracy_level} (4 lets ONNX Runtime quantize the activations to int8 blockwise and use its integer
 * kernels; 0 keeps them float32).
 *
 * <p>Keep level 4 for 8 bits: at level 0 ONNX Runtime 1.29 on x64 found no packed 8-bit kernel, and a t5-small
 * decoder step took about 300 ms instead of 2.5 (float32: 5 to 8 ms), as if it dequantized every weight on
 * every run. 4 bits at level 0 ran at 3 to 4 ms.
 */
public record QuantizationSpec(int bits, int blockSize, int accuracyLevel) {
    /**
     * ONNX Runtime's own quantizer's default. Measured on t5-small (2026-12-02, batch 1, 64 tokens): a q8 decoder
     * pass took 3.5 ms with blocks of 32 and 2.7 ms with 128 (q4: 2.5 and 2.0 ms); on the demo model q8 kept 99% of
     * float32's summaries either way.
     */
    public static final int DEFAULT_BLOCK_SIZE = 128;
    public static final int DEFAULT_ACCURACY_LEVEL = 4;
    public static final QuantizationSpec Q8 = new QuantizationSpec(8, DEFAULT_BLOCK_SIZE, DEFAULT_ACCURACY_LEVEL);
    public static final QuantizationSpec Q4 = new QuantizationSpec(4, DEFAULT_BLOCK_SIZE, DEFAULT_ACCURACY_LEVEL);

    public QuantizationSpec {
        if (bits != 8 && bits != 4) {
            throw new IllegalArgumentException("bits must be 8 or 4, not " + bits);
        }
        if (blockSize < 16 || blockSize > 256 || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("block size must be a power of two from 16 to 256, not " + blockSize);
        }
        if (accuracyLevel < 0 || accuracyLevel > 4) {
            throw new IllegalArgumentException("accuracy level must be 0 to 4, not " + accuracyLevel);
        }
    }

    /** {@code q8} or {@code q4}, the names of the command-line's {@code --quantize} and {@code --dtype}. */
    public static QuantizationSpec named(String name) {
        return switch (name) {
            case "q8" -> Q8;
            case "q4" -> Q4;
            default -> throw new IllegalArgumentException("unknown quantization \"" + name + "\" (q8 or q4)");
        };
    }

    public QuantizationSpec withBlockSize(int size) {
        return new QuantizationSpec(bits, size, accuracyLevel);
    }

    public QuantizationSpec withAccuracyLevel(int level) {
        return new QuantizationSpec(bits, blockSize, level);
    }

    /**
     * The quantized file beside a float32 one, as transformers.js names them:
     * {@code encoder_model.onnx} becomes {@code encoder_model_quantized.onnx} (8 bits) or {@code encoder_model_q4.onnx}.
     */
    public String fileName(String floatFileName) {
        if (!floatFileName.endsWith(".onnx")) {
            throw new IllegalArgumentException("not an .onnx file name: " + floatFileName);
        }
        String stem = floatFileName.substring(0, floatFileName.length() - ".onnx".length());
        return stem + (bits == 8 ? "_quantized" : "_q4") + ".onnx";
    }
}

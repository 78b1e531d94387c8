package dev.summarizer.cli;

import dev.summarizer.export.ModelDtype;
import dev.summarizer.export.quantize.QuantizationSpec;
import java.util.ArrayList;
import java.util.List;

/** {@code --quantize q8|q4[,...]} and {@code --quantize-block-size}: the quantized files an export also writes. */
public final class QuantizeFlags {
    private QuantizeFlags() {}

    public static Options addTo(Options options) {
        return options
                .option("quantize", "q8|q4[,q8|q4]", "also write 8- or 4-bit weight files beside the float32 ones "
                        + "(encoder_model_quantized.onnx, encoder_model_q4.onnx, ...); run them with --dtype")
                .option("quantize-block-size", "N", "input features that share one scale (a power of two, 16 to 256)",
                        String.valueOf(QuantizationSpec.DEFAULT_BLOCK_SIZE));
    }

    /** The quantizations asked for, in the order given; empty without {@code --quantize}. */
    public static List<QuantizationSpec> specs(ParsedArgs args) {
        Integer blockSize = args.intValue("quantize-block-size", 1, Integer.MAX_VALUE);
        if (blockSize != null && (blockSize < 16 || blockSize > 256 || Integer.bitCount(blockSize) != 1)) {
            throw new UsageException("--quantize-block-size: must be a power of two from 16 to 256, got " + blockSize);
        }
        List<QuantizationSpec> specs = new ArrayList<>();
        if (!args.has("quantize")) {
            return specs;
        }
        for (String name : args.string("quantize").split(",", -1)) {
            ModelDtype dtype = ModelDtype.parse(name.strip());
            if (dtype == null || dtype == ModelDtype.FP32) {
                throw new UsageException("--quantize: expected q8, q4 or q8,q4, got \"" + args.string("quantize") + "\"");
            }
            QuantizationSpec named = QuantizationSpec.named(dtype.cliName());
            QuantizationSpec spec = blockSize != null ? named.withBlockSize(blockSize) : named;
            if (specs.stream().noneMatch(s -> s.bits() == spec.bits())) {
                specs.add(spec);
            }
        }
        return specs;
    }
}

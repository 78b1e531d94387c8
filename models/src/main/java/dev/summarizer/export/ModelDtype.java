package dev.summarizer.export;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import com.google.protobuf.CodedInputStream;
import dev.summarizer.export.quantize.QuantizationSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Which weights of an exported folder a model runs on, in transformers.js's words: the float32 files, or the
 * 8-bit or 4-bit ones {@code export --quantize} writes beside them under the names transformers.js looks for.
 */
public enum ModelDtype {
    FP32("fp32", null),
    Q8("q8", QuantizationSpec.Q8),
    Q4("q4", QuantizationSpec.Q4);

    private final String cliName;
    private final QuantizationSpec spec;

    ModelDtype(String cliName, QuantizationSpec spec) {
        this.cliName = cliName;
        this.spec = spec;
    }

    /** {@code fp32}, {@code q8} or {@code q4}: the word of {@code --dtype} and {@code --quantize}. */
    public String cliName() {
        return cliName;
    }

    /**
     * How this dtype's files in {@code onnxDir} were quantized (bits, block size and accuracy level of their
     * MatMulNBits nodes, which {@code --quantize-block-size} may have set), read from a decoder file: what a
     * graph built to decode exactly as those files do must use. This dtype's default when that file has no such node;
     * null for float32.
     */
    public QuantizationSpec specIn(Path onnxDir) throws IOException {
        if (spec == null) {
            return null;
        }
        Path file = onnxDir.resolve(fileName(OptimumLayout.DECODER_WITH_PAST_FILE));
        if (!Files.isRegularFile(file)) {
            file = onnxDir.resolve(fileName(OptimumLayout.DECODER_MERGED_FILE));
        }
        ModelProto model;
        try (InputStream in = Files.newInputStream(file)) {
            model = ModelProto.parseFrom(CodedInputStream.newInstance(in));
        }
        for (NodeProto node : model.getGraph().getNodeList()) {
            if (node.getOpType().equals("MatMulNBits")) {
                Map<String, Long> attributes = new HashMap<>();
                node.getAttributeList().forEach(a -> attributes.put(a.getName(), a.getI()));
                return new QuantizationSpec(Math.toIntExact(attributes.getOrDefault("bits", (long) spec.bits())),
                        Math.toIntExact(attributes.getOrDefault("block_size", (long) spec.blockSize())),
                        Math.toIntExact(attributes.getOrDefault("accuracy_level", (long) spec.accuracyLevel())));
            }
        }
        return spec;
    }

    /** The file of this dtype that stands for the float32 file {@code floatFileName}. */
    public String fileName(String floatFileName) {
        return spec == null ? floatFileName : spec.fileName(floatFileName);
    }

    /** The dtype named {@code name}, or null. */
    public static ModelDtype parse(String name) {
        for (ModelDtype d : values()) {
            if (d.cliName.equals(name)) {
                return d;
            }
        }
        return null;
    }
}

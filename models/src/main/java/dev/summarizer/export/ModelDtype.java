package dev.summarizer.export;

import dev.summarizer.export.quantize.QuantizationSpec;

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

    /** How this dtype's files quantize their linear weights (at the default block size); null for float32. */
    public QuantizationSpec spec() {
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

package dev.summarizer.export.quantize;

import dev.summarizer.export.OnnxExport;
import dev.summarizer.export.OptimumLayout;
import dev.summarizer.model.T5Weights;
import dev.summarizer.onnx.Graph;
import dev.summarizer.onnx.OnnxModelWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The quantized twins of the four Optimum-layout files, written beside the float32 ones under transformers.js's
 * names ({@code encoder_model_quantized.onnx} for 8 bits, {@code encoder_model_q4.onnx} for 4).
 */
public final class QuantizedOnnxFiles {
    private QuantizedOnnxFiles() {}

    /** Writes the four quantized files into {@code onnxDir}, which must exist. */
    public static void write(T5Weights weights, Path onnxDir, QuantizationSpec spec, Consumer<String> progress)
            throws IOException {
        for (var entry : OnnxExport.graphs().entrySet()) {
            long start = System.nanoTime();
            Graph graph = entry.getValue().apply(weights);
            WeightQuantization.apply(graph, spec);
            String name = spec.fileName(entry.getKey());
            Path file = onnxDir.resolve(name);
            OnnxModelWriter.write(graph, file);
            progress.accept(String.format("wrote %s/%s (%.1f MB, %.1f s)", OptimumLayout.ONNX_FOLDER, name,
                    Files.size(file) / 1e6, (System.nanoTime() - start) / 1e9));
        }
    }
}

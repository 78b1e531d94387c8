package dev.summarizer.export;

import dev.summarizer.export.quantize.QuantizationSpec;
import dev.summarizer.export.quantize.QuantizedOnnxFiles;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.StagingDirectory;
import dev.summarizer.model.T5Config;
import dev.summarizer.model.T5Weights;
import dev.summarizer.model.TokenizerFiles;
import dev.summarizer.model.WeightFiles;
import dev.summarizer.onnx.Graph;
import dev.summarizer.onnx.OnnxModelWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Writes a model folder's four Optimum-layout ONNX files, and on request their quantized copies, never leaving a
 * half-written folder behind.
 */
public final class OnnxExport {
    private OnnxExport() {}

    /** The files of the onnx/ folder and the builder of each. */
    public static Map<String, Function<T5Weights, Graph>> graphs() {
        Map<String, Function<T5Weights, Graph>> graphs = new LinkedHashMap<>();
        graphs.put(OptimumLayout.ENCODER_FILE, InferenceGraphs::encoder);
        graphs.put(OptimumLayout.DECODER_FILE, InferenceGraphs::decoder);
        graphs.put(OptimumLayout.DECODER_WITH_PAST_FILE, InferenceGraphs::decoderWithPast);
        graphs.put(OptimumLayout.DECODER_MERGED_FILE, InferenceGraphs::decoderMerged);
        return graphs;
    }

    /** Writes the four files into {@code onnxDir}, which must exist. */
    public static void writeOnnxFiles(T5Weights weights, Path onnxDir, Consumer<String> progress) throws IOException {
        for (var entry : graphs().entrySet()) {
            long start = System.nanoTime();
            Path file = onnxDir.resolve(entry.getKey());
            OnnxModelWriter.write(entry.getValue().apply(weights), file);
            progress.accept(String.format("wrote %s/%s (%.1f MB, %.1f s)", OptimumLayout.ONNX_FOLDER, entry.getKey(),
                    Files.size(file) / 1e6, (System.nanoTime() - start) / 1e9));
        }
    }

    /** Writes the four float32 files and the quantized copies of each of {@code quantizations} into {@code onnxDir}. */
    public static void writeOnnxFiles(T5Weights weights, Path onnxDir, List<QuantizationSpec> quantizations,
            Consumer<String> progress) throws IOException {
        writeOnnxFiles(weights, onnxDir, progress);
        for (QuantizationSpec spec : quantizations) {
            QuantizedOnnxFiles.write(weights, onnxDir, spec, progress);
        }
    }

    public static void export(ModelFolder model, Path out, Consumer<String> progress) throws IOException {
        export(model, out, WeightFiles.DEFAULT_MAX_SHARD_BYTES, List.of(), progress);
    }

    /** {@link #export(ModelFolder, Path, Consumer)}; a copy's weights go in shards of at most {@code maxShardBytes}. */
    public static void export(ModelFolder model, Path out, long maxShardBytes, Consumer<String> progress) throws IOException {
        export(model, out, maxShardBytes, List.of(), progress);
    }

    /** {@link #export(ModelFolder, Path, Consumer)} with the quantized files of {@code quantizations}. */
    public static void export(ModelFolder model, Path out, List<QuantizationSpec> quantizations, Consumer<String> progress)
            throws IOException {
        export(model, out, WeightFiles.DEFAULT_MAX_SHARD_BYTES, quantizations, progress);
    }

    /**
     * Exports {@code model} into {@code out}, with the quantized files of {@code quantizations}. When {@code out}
     * is the model folder itself, only onnx/ is replaced as a whole (quantized files of an earlier export go with
     * it unless asked for again), and generation_config.json is added when missing; otherwise {@code out} becomes a
     * complete copy of the model folder with its ONNX files, its weights in shards of at most {@code maxShardBytes}.
     */
    public static void export(ModelFolder model, Path out, long maxShardBytes, List<QuantizationSpec> quantizations,
            Consumer<String> progress) throws IOException {
        T5Config config = model.readConfig();
        T5Weights weights = model.readWeights(config);
        boolean inPlace = Files.exists(out) && Files.isSameFile(model.dir(), out);
        if (inPlace) {
            try (StagingDirectory onnx = StagingDirectory.forTarget(out.resolve(OptimumLayout.ONNX_FOLDER))) {
                writeOnnxFiles(weights, onnx.path(), quantizations, progress);
                onnx.commit();
            }
            Path generation = out.resolve(ModelFolder.GENERATION_CONFIG);
            if (!Files.exists(generation)) {
                StagingDirectory.writeAtomically(generation,
                        ModelFolder.pretty(ModelFolder.defaultGenerationConfig(config)).getBytes());
                progress.accept("wrote " + ModelFolder.GENERATION_CONFIG);
            }
            return;
        }
        exportFolder(weights, model, out, maxShardBytes, quantizations, progress);
    }

    /**
     * Writes {@code weights} as a complete model folder at {@code out}: config.json, model.safetensors, the
     * generation_config.json and tokenizer files of {@code source} (a default generation config when it has
     * none), and the four ONNX files. {@code out} is replaced only when everything is written.
     */
    public static void exportFolder(T5Weights weights, ModelFolder source, Path out, Consumer<String> progress)
            throws IOException {
        exportFolder(weights, source, out, WeightFiles.DEFAULT_MAX_SHARD_BYTES, List.of(), progress);
    }

    /** {@link #exportFolder(T5Weights, ModelFolder, Path, Consumer)} with shards of at most {@code maxShardBytes}. */
    public static void exportFolder(T5Weights weights, ModelFolder source, Path out, long maxShardBytes,
            Consumer<String> progress) throws IOException {
        exportFolder(weights, source, out, maxShardBytes, List.of(), progress);
    }

    /** As {@link #exportFolder(T5Weights, ModelFolder, Path, Consumer)}, with quantized files too. */
    public static void exportFolder(T5Weights weights, ModelFolder source, Path out, List<QuantizationSpec> quantizations,
            Consumer<String> progress) throws IOException {
        exportFolder(weights, source, out, WeightFiles.DEFAULT_MAX_SHARD_BYTES, quantizations, progress);
    }

    /** All of it: shards of at most {@code maxShardBytes}, and the quantized files of {@code quantizations}. */
    public static void exportFolder(T5Weights weights, ModelFolder source, Path out, long maxShardBytes,
            List<QuantizationSpec> quantizations,
            Consumer<String> progress) throws IOException {
        try (StagingDirectory staging = StagingDirectory.forTarget(out)) {
            Path generation = source.file(ModelFolder.GENERATION_CONFIG);
            ModelFolder.writeModel(staging.path(), weights,
                    Files.exists(generation) ? null : ModelFolder.defaultGenerationConfig(weights.config()), maxShardBytes);
            if (Files.exists(generation)) {
                Files.copy(generation, staging.resolve(ModelFolder.GENERATION_CONFIG));
            }
            TokenizerFiles.copyPresent(source.dir(), staging.path());
            Path onnx = Files.createDirectory(staging.resolve(OptimumLayout.ONNX_FOLDER));
            writeOnnxFiles(weights, onnx, quantizations, progress);
            staging.commit();
        }
    }
}

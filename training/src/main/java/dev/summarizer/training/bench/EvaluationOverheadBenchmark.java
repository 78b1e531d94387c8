package dev.summarizer.training.bench;

import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import dev.summarizer.Json;
import dev.summarizer.export.InferenceGraphs;
import dev.summarizer.export.OnnxExport;
import dev.summarizer.export.OptimumLayout;
import dev.summarizer.generate.DecodingSettings;
import dev.summarizer.generate.GenerationSettings;
import dev.summarizer.generate.ModelTokenizer;
import dev.summarizer.generate.OnnxSeq2SeqModel;
import dev.summarizer.generate.SourceSettings;
import dev.summarizer.generate.Summarizer;
import dev.summarizer.model.Presets;
import dev.summarizer.model.StagingDirectory;
import dev.summarizer.model.T5Config;
import dev.summarizer.model.T5Initializer;
import dev.summarizer.model.T5Weights;
import dev.summarizer.onnx.Graph;
import dev.summarizer.onnx.OnnxModelWriter;
import dev.summarizer.runtime.Device;
import dev.summarizer.runtime.Sessions;
import dev.summarizer.training.artifacts.AdamWSettings;
import dev.summarizer.training.session.TrainingSession;
import dev.summarizer.training.session.TrainingSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What an evaluation during training costs besides generating: {@code EvaluationOverheadBenchmark PRESET TOKENIZER
 * DATA.jsonl TEXTS MAX_NEW_TOKENS [threads]} prints one JSON line with
 * <ul>
 *   <li>{@code rebuild_s}: what every evaluation used to pay first: copy the live weights, build the three decoding
 *       graphs with them embedded, serialise and open them;
 *   <li>{@code live_build_s}: the one-time cost now, at the start of a run: the graphs with the weights as inputs;
 *   <li>{@code refresh_s}: what each evaluation pays now before generating: the sessions opened again over the
 *       parameters' current values (the weights are handed to ONNX Runtime from the live buffers);
 *   <li>{@code generate_live_s} and {@code generate_exported_s}: generating the same summaries with the live-weight
 *       sessions and with exported files of the same weights, so the difference is what feeding the weights at
 *       every run costs.
 * </ul>
 */
public final class EvaluationOverheadBenchmark {
    private EvaluationOverheadBenchmark() {}

    public static void main(String[] args) throws Exception {
        T5Config config = Presets.config(args[0]);
        Path tokenizerFile = Path.of(args[1]);
        Path data = Path.of(args[2]);
        int count = Integer.parseInt(args[3]);
        int maxNew = Integer.parseInt(args[4]);
        int threads = args.length > 5 ? Integer.parseInt(args[5]) : 0;
        List<String> texts = new ArrayList<>();
        for (String line : Files.readAllLines(data)) {
            JsonNode row = Json.MAPPER.readTree(line);
            String text = row.path("dialogue").asText("");
            if (!text.isBlank() && texts.size() < count) {
                texts.add(text);
            }
        }
        GenerationSettings settings = new GenerationSettings(new SourceSettings("summarize: ", 512),
                new DecodingSettings(maxNew, maxNew, 1, 1.0, null, 0));
        T5Weights initial = T5Initializer.initialize(config, 42);
        TrainingSettings training = new TrainingSettings(0, 42, 0, AdamWSettings.defaults(), 1.0);
        try (TrainingSession session = TrainingSession.create(initial, training, Device.CPU, threads)) {
            long t0 = System.nanoTime();
            T5Weights copy = session.weights();
            for (Graph g : List.of(InferenceGraphs.encoder(copy), InferenceGraphs.decoder(copy),
                    InferenceGraphs.decoderWithPast(copy))) {
                try (OrtSession s = Sessions.open(OnnxModelWriter.toModel(g).toByteArray(), Device.CPU, threads)) {
                    // opened as the old evaluation did, then closed
                }
            }
            double rebuild = (System.nanoTime() - t0) / 1e9;

            long t1 = System.nanoTime();
            OnnxSeq2SeqModel live = OnnxSeq2SeqModel.overLiveParameters(config, session.layout(), session.liveParameters(),
                    Device.CPU, threads);
            double liveBuild = (System.nanoTime() - t1) / 1e9;
            double generateLive;
            double refresh;
            try (Summarizer summarizer = new Summarizer(ModelTokenizer.open(tokenizerFile), live, settings)) {
                live.refreshWeights();
                summarizer.summarize(texts.subList(0, 1), settings); // warm-up
                long t2 = System.nanoTime();
                live.refreshWeights();
                refresh = (System.nanoTime() - t2) / 1e9;
                summarizer.summarize(texts, settings);
                generateLive = (System.nanoTime() - t2) / 1e9 - refresh;
                System.err.printf("live: encoder+decoder runs %.2f s of %.2f%n", live.timer().nanos() / 1e9, generateLive);
            }

            Path dir = Files.createTempDirectory("summarizer-eval-bench-");
            double generateExported;
            try {
                OnnxExport.writeOnnxFiles(copy, Files.createDirectory(dir.resolve(OptimumLayout.ONNX_FOLDER)), line -> {});
                OnnxSeq2SeqModel exported = OnnxSeq2SeqModel.open(dir, config, Device.CPU, threads,
                        OnnxSeq2SeqModel.DecoderMode.SEPARATE);
                try (Summarizer summarizer = new Summarizer(ModelTokenizer.open(tokenizerFile), exported, settings)) {
                    summarizer.summarize(texts.subList(0, 1), settings);
                    long t3 = System.nanoTime();
                    summarizer.summarize(texts, settings);
                    generateExported = (System.nanoTime() - t3) / 1e9;
                    System.err.printf("exported: runs %.2f s of %.2f%n", exported.timer().nanos() / 1e9, generateExported);
                }
            } finally {
                StagingDirectory.deleteRecursively(dir);
            }
            System.out.printf("{\"preset\":\"%s\",\"texts\":%d,\"max_new_tokens\":%d,\"threads\":%d,\"rebuild_s\":%.2f,"
                    + "\"live_build_s\":%.2f,\"refresh_s\":%.3f,\"generate_live_s\":%.2f,\"generate_exported_s\":%.2f}%n",
                    args[0], texts.size(), maxNew, threads, rebuild, liveBuild, refresh, generateLive, generateExported);
        }
    }
}

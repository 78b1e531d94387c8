package dev.summarizer.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.summarizer.Json;
import dev.summarizer.cli.GenerationFlags;
import dev.summarizer.cli.JsonLines;
import dev.summarizer.cli.Options;
import dev.summarizer.cli.ParsedArgs;
import dev.summarizer.export.ModelDtype;
import dev.summarizer.generate.ContinuousBatch;
import dev.summarizer.generate.DecodingObserver;
import dev.summarizer.generate.DecodingSettings;
import dev.summarizer.generate.EarlyStopping;
import dev.summarizer.generate.EncoderInput;
import dev.summarizer.generate.GenerationSettings;
import dev.summarizer.generate.OnnxSeq2SeqModel;
import dev.summarizer.generate.Summarizer;
import dev.summarizer.generate.Summary;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.runtime.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Times summarization of a JSONL file's dialogues, one at a time or in batches: seconds per summary after load,
 * generated tokens per second, decoder passes per generated token, and the share of wall time inside ONNX
 * Runtime's run calls. Prints one JSON object per beam width; {@code --predictions} also writes each summary with
 * the row's reference ({@code summary}), for {@code summarizer rouge}.
 */
public final class GenerationBenchmark {
    private GenerationBenchmark() {}

    static Options options() {
        return new Options()
                .option("model", "DIR", "an exported model folder")
                .option("input", "FILE", "JSONL rows with \"dialogue\" or \"text\" (and \"summary\" for --predictions)")
                .option("count", "N", "rows to summarize", "50")
                .option("max-new-tokens", "N", "tokens per summary at most", "64")
                .option("beams", "N[,N...]", "beam widths to time, one after the other", "1")
                .option("batch-size", "N", "summaries decoded together", "1")
                .option("decoder", "separate|merged", "which decoder files run the loop", "separate")
                .option("threads", "N", "ONNX Runtime threads; 0 uses every core", "0")
                .option(GenerationFlags.DTYPE, "fp32|q8|q4", GenerationFlags.DTYPE_HELP, "fp32")
                .option("prompt-lookup-num-tokens", "N", "greedy only: prompt-lookup drafts of up to N tokens", "0")
                .option("batching", "static|continuous", "static: batches of --batch-size texts, each run until its last"
                        + " text ends; continuous: one continuous batch of --batch-size rows that a text joins as another"
                        + " leaves (as serve --batching continuous decodes)", "static")
                .option("predictions", "FILE", "write {\"prediction\", \"reference\"} rows (last beam width)");
    }

    public static void main(String[] argv) throws Exception {
        ParsedArgs args = options().parse("GenerationBenchmark", argv);
        int count = args.intValue("count", 1, 1_000_000);
        int maxNew = args.intValue("max-new-tokens", 1, 100_000);
        int batch = args.intValue("batch-size", 1, 4096);
        int lookup = args.intValue("prompt-lookup-num-tokens", 0, 1000);
        OnnxSeq2SeqModel.DecoderMode mode = GenerationFlags.decoderMode(args);
        ModelDtype dtype = GenerationFlags.dtype(args);
        boolean continuous = switch (args.required("batching")) {
            case "static" -> false;
            case "continuous" -> true;
            default -> throw new IllegalArgumentException("--batching: static or continuous, got " + args.required("batching"));
        };
        if (continuous && lookup > 0) {
            throw new IllegalArgumentException("--batching continuous: prompt lookup decodes outside a continuous batch");
        }

        List<String> texts = new ArrayList<>();
        List<String> references = new ArrayList<>();
        for (String line : Files.readAllLines(args.requiredPath("input"))) {
            if (texts.size() == count) {
                break;
            }
            if (line.isBlank()) {
                continue;
            }
            JsonNode row = Json.MAPPER.readTree(line);
            String text = row.has("dialogue") ? row.get("dialogue").asText() : row.get("text").asText();
            if (!text.isBlank()) {
                texts.add(text);
                references.add(row.path("summary").asText(""));
            }
        }
        long loadStart = System.nanoTime();
        ModelFolder folder = ModelFolder.open(args.requiredPath("model"));
        int threads = GenerationFlags.threads(args);
        try (Summarizer summarizer = Summarizer.open(folder, Device.CPU, threads, mode, dtype);
                ContinuousBatch continuousBatch = continuous
                        ? ContinuousBatch.open(summarizer.model(), folder.readWeights(summarizer.config()),
                                summarizer.model().quantization(),
                                Device.CPU, threads, batch, ContinuousBatch.StepListener.NONE)
                        : null) {
            double load = (System.nanoTime() - loadStart) / 1e9;
            List<Summary> last = List.of();
            for (String beamsArg : args.required("beams").split(",")) {
                int beams = Integer.parseInt(beamsArg.strip());
                GenerationSettings settings = new GenerationSettings(summarizer.defaults().source().withMaxSourceLength(512),
                        new DecodingSettings(maxNew, 0, beams, 1.0, EarlyStopping.FALSE, 0, beams == 1 ? lookup : 0));
                // Warm-up: first-run allocations and JIT.
                if (continuousBatch != null) {
                    summarizeContinuously(summarizer, continuousBatch, texts.subList(0, 1), settings, 1);
                } else {
                    summarizer.summarize(List.of(texts.get(0)), settings);
                }
                long ortBefore = summarizer.model().timer().nanos();
                long passesBefore = summarizer.model().timer().decoderPasses();
                long decoderBefore = summarizer.model().timer().decoderNanos();
                long tokens = 0;
                List<Summary> summaries = new ArrayList<>();
                long start = System.nanoTime();
                if (continuousBatch != null) {
                    int concurrent = Math.max(1, batch / beams);
                    summaries.addAll(summarizeContinuously(summarizer, continuousBatch, texts, settings, concurrent));
                } else {
                    for (int i = 0; i < texts.size(); i += batch) {
                        summaries.addAll(summarizer.summarize(texts.subList(i, Math.min(texts.size(), i + batch)), settings));
                    }
                }
                double wall = (System.nanoTime() - start) / 1e9;
                for (Summary s : summaries) {
                    tokens += s.tokenIds().length;
                }
                double ort = (summarizer.model().timer().nanos() - ortBefore) / 1e9;
                long passes = summarizer.model().timer().decoderPasses() - passesBefore;
                double decoderSeconds = (summarizer.model().timer().decoderNanos() - decoderBefore) / 1e9;
                ObjectNode result = Json.MAPPER.createObjectNode();
                result.put("implementation", "summarizer-java");
                result.put("dtype", dtype.cliName());
                result.put("decoder", mode.name().toLowerCase());
                result.put("num_beams", beams);
                result.put("prompt_lookup_num_tokens", settings.decoding().promptLookupNumTokens());
                result.put("batch_size", batch);
                result.put("batching", continuous ? "continuous" : "static");
                result.put("summaries", texts.size());
                result.put("max_new_tokens", maxNew);
                result.put("load_seconds", load);
                result.put("seconds_per_summary", wall / texts.size());
                result.put("generated_tokens", tokens);
                result.put("tokens_per_second", tokens / wall);
                result.put("decoder_passes", passes);
                result.put("passes_per_token", (double) passes / tokens);
                result.put("decoder_ms_per_pass", passes > 0 ? 1000 * decoderSeconds / passes : 0);
                result.put("ort_share", ort / wall);
                System.out.println(Json.MAPPER.writeValueAsString(result));
                last = summaries;
            }
            Path predictions = args.path("predictions");
            if (predictions != null) {
                List<ObjectNode> rows = new ArrayList<>();
                for (int i = 0; i < last.size(); i++) {
                    ObjectNode row = JsonLines.object();
                    row.put("prediction", last.get(i).text());
                    row.put("reference", references.get(i));
                    var ids = row.putArray("token_ids");
                    for (long id : last.get(i).tokenIds()) {
                        ids.add(id);
                    }
                    rows.add(row);
                }
                JsonLines.write(predictions, rows);
            }
        }
    }

    /**
     * Decodes {@code texts} through {@code rows}, {@code concurrent} texts at a time (a thread each, the next text
     * joining as one ends), in input order.
     */
    private static List<Summary> summarizeContinuously(Summarizer summarizer, ContinuousBatch rows, List<String> texts,
            GenerationSettings settings, int concurrent) throws Exception {
        Summary[] out = new Summary[texts.size()];
        AtomicInteger next = new AtomicInteger();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < concurrent; t++) {
                running.add(threads.submit(() -> {
                    for (int i = next.getAndIncrement(); i < texts.size(); i = next.getAndIncrement()) {
                        EncoderInput input = summarizer.prepare(texts.get(i), settings.source());
                        out[i] = summarizer.summary(input, rows.generate(input, settings.decoding(), DecodingObserver.NONE));
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        }
        return List.of(out);
    }
}

package dev.summarizer.bench;

import dev.summarizer.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.summarizer.generate.EarlyStopping;
import dev.summarizer.generate.DecodingSettings;
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

/**
 * Times summarization of a JSONL file's dialogues, one at a time or in batches: seconds per summary, generated tokens per
 * second, and the share of wall time inside ONNX Runtime's run calls. Prints one JSON object per setting.
 *
 * <pre>GenerationBenchmark MODEL_DIR INPUT.jsonl COUNT MAX_NEW_TOKENS BEAMS[,BEAMS...] [separate|merged] [threads] [batch]</pre>
 */
public final class GenerationBenchmark {
    private GenerationBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        Path input = Path.of(args[1]);
        int count = Integer.parseInt(args[2]);
        int maxNew = Integer.parseInt(args[3]);
        String[] beamsList = args[4].split(",");
        OnnxSeq2SeqModel.DecoderMode mode = args.length > 5 && args[5].equals("merged")
                ? OnnxSeq2SeqModel.DecoderMode.MERGED : OnnxSeq2SeqModel.DecoderMode.SEPARATE;
        int threads = args.length > 6 ? Integer.parseInt(args[6]) : 0;
        int batch = args.length > 7 ? Integer.parseInt(args[7]) : 1;

        ObjectMapper json = Json.MAPPER;
        List<String> texts = new ArrayList<>();
        for (String line : Files.readAllLines(input)) {
            if (texts.size() == count) {
                break;
            }
            JsonNode row = json.readTree(line);
            String text = row.has("dialogue") ? row.get("dialogue").asText() : row.get("text").asText();
            if (!text.isBlank()) {
                texts.add(text);
            }
        }
        try (Summarizer summarizer = Summarizer.open(ModelFolder.open(model), Device.CPU, threads, mode)) {
            for (String beamsArg : beamsList) {
                int beams = Integer.parseInt(beamsArg);
                GenerationSettings settings = new GenerationSettings(summarizer.defaults().source().withMaxSourceLength(512),
                        new DecodingSettings(maxNew, 0, beams, 1.0, EarlyStopping.FALSE, 0));
                summarizer.summarize(List.of(texts.get(0)), settings); // warm-up: first-run allocations and JIT
                long ortBefore = summarizer.model().timer().nanos();
                long tokens = 0;
                long start = System.nanoTime();
                for (int i = 0; i < texts.size(); i += batch) {
                    for (Summary s : summarizer.summarize(texts.subList(i, Math.min(texts.size(), i + batch)), settings)) {
                        tokens += s.tokenIds().length;
                    }
                }
                double wall = (System.nanoTime() - start) / 1e9;
                double ort = (summarizer.model().timer().nanos() - ortBefore) / 1e9;
                ObjectNode result = json.createObjectNode();
                result.put("implementation", "summarizer-java");
                result.put("decoder", mode.name().toLowerCase());
                result.put("num_beams", beams);
                result.put("batch_size", batch);
                result.put("summaries", texts.size());
                result.put("max_new_tokens", maxNew);
                result.put("seconds_per_summary", wall / texts.size());
                result.put("generated_tokens", tokens);
                result.put("tokens_per_second", tokens / wall);
                result.put("ort_share", ort / wall);
                System.out.println(json.writeValueAsString(result));
            }
        }
    }
}

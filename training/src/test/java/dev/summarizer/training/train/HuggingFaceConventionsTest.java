package dev.summarizer.training.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.summarizer.testing.Cli;
import dev.summarizer.testing.Fixtures;
import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Hugging Face Trainer user's habits: the flag names, the files a run leaves, the curves. */
class HuggingFaceConventionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path FIXTURE = Fixtures.fixture("trainer");

    @TempDir
    static Path dir;
    static Path run;
    static Cli.Result result;

    /** One run as a summarization-script user types it: snake_case, the script's names, strategies. */
    @BeforeAll
    static void trainAsTheSummarizationScriptWouldBeCalled() {
        run = dir.resolve("run");
        result = Cli.run("train", "--model_name_or_path", FIXTURE.resolve("model").toString(),
                "--train_file", FIXTURE.resolve("train.jsonl").toString(),
                "--validation_file", FIXTURE.resolve("validation.jsonl").toString(), "--output_dir", run.toString(),
                "--do_train", "--do_eval", "--per_device_train_batch_size", "8", "--max_steps", "6",
                "--eval_strategy", "steps", "--eval_steps", "3", "--save_strategy", "epoch", "--logging_steps", "1",
                "--predict_with_generate", "True", "--generation_eval_samples", "4", "--generation_max_length", "6",
                "--metric_for_best_model", "rougeL", "--report_to", "tensorboard", "--shuffle", "false", "--dropout", "0",
                "--source_template", "Summarize the following conversation.\\n\\n{text}\\n\\nSummary: ", "--threads", "1");
    }

    private static List<JsonNode> rows(Path file) throws Exception {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            rows.add(JSON.readTree(line));
        }
        return rows;
    }

    @Test
    void theRunTookTheScriptsFlagsAndEvaluatedAndSavedOnItsStrategies() throws Exception {
        assertEquals(0, result.status(), result.err());
        List<JsonNode> evals = rows(run.resolve("metrics.jsonl")).stream().filter(r -> r.has("eval_loss")).toList();
        assertEquals(List.of(3L, 6L), evals.stream().map(r -> r.get("step").asLong()).toList(), "every 3 steps");
        assertTrue(evals.get(0).has("eval_rougeL"), "--predict-with-generate scores ROUGE");
        // 64 examples in batches of 8: an epoch is 8 steps, so the epoch strategy saves nowhere but at the end (step 6)
        // and at a new best evaluation (step 3 is the first).
        assertTrue(Files.isDirectory(run.resolve("checkpoint-6")));
        for (int step : new int[] {1, 2, 4, 5}) {
            assertFalse(Files.exists(run.resolve("checkpoint-" + step)), "no checkpoint at step " + step);
        }
        JsonNode state = JSON.readTree(run.resolve("checkpoint-6").resolve("trainer_state.json").toFile());
        double best = Math.max(evals.get(0).get("eval_rougeL").asDouble(), evals.get(1).get("eval_rougeL").asDouble());
        assertEquals(best, state.get("best_metric").asDouble(), 1e-12, "rougeL means eval_rougeL, greater is better");
    }

    @Test
    void theResultsFilesSayWhatTheRunDid() throws Exception {
        JsonNode results = JSON.readTree(run.resolve("train_results.json").toFile());
        assertEquals(results, JSON.readTree(run.resolve("all_results.json").toFile()));
        List<JsonNode> logged = rows(run.resolve("metrics.jsonl")).stream().filter(r -> r.has("loss")).toList();
        double meanLoss = logged.stream().mapToDouble(r -> r.get("loss").asDouble()).average().orElseThrow();
        assertEquals(6, logged.size());
        assertEquals(meanLoss, results.get("train_loss").asDouble(), 1e-9, "the mean of the six logged step losses");
        assertEquals(0.75, results.get("epoch").asDouble(), 1e-9, "6 of 8 steps of an epoch");
        assertEquals(64, results.get("train_samples").asInt());
        double runtime = results.get("train_runtime").asDouble();
        assertTrue(runtime > 0);
        assertEquals(48 / runtime, results.get("train_samples_per_second").asDouble(), 0.01 * 48 / runtime + 1e-3);
        assertEquals(6 / runtime, results.get("train_steps_per_second").asDouble(), 0.01 * 6 / runtime + 1e-3);
    }

    @Test
    void theTemplateIsRecordedAndSummarizeAppliesIt() throws Exception {
        JsonNode config = JSON.readTree(run.resolve("final").resolve("config.json").toFile());
        String template = "Summarize the following conversation.\n\n{text}\n\nSummary: ";
        assertEquals(template, config.get("source_template").asText());
        String text = "Anna: lunch at noon?\nBen: yes.";
        Cli.Result r = Cli.run("summarize", "--model", run.resolve("final").toString(), "--json", "--max-new-tokens", "3", text);
        assertEquals(0, r.status(), r.err());
        Cli.Result explicit = Cli.run("summarize", "--model", run.resolve("final").toString(), "--json", "--max-new-tokens", "3",
                "--source-template", "Summarize the following conversation.\\n\\n{text}\\n\\nSummary: ", text);
        Cli.Result prefixed = Cli.run("summarize", "--model", run.resolve("final").toString(), "--json", "--max-new-tokens", "3",
                "--prefix", "", text);
        assertEquals(JSON.readTree(explicit.out()), JSON.readTree(r.out()), "the recorded template is the default");
        assertTrue(JSON.readTree(r.out()).get("input_tokens").asInt() > JSON.readTree(prefixed.out()).get("input_tokens").asInt(),
                "the template's words reach the encoder");
    }

    @Test
    void tensorBoardEventsAreRecordsWithValidChecksumsOfTheLoggedScalars() throws Exception {
        Path runs = run.resolve("runs");
        Path file;
        try (var files = Files.list(runs)) {
            file = files.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).findFirst().orElseThrow();
        }
        Map<String, List<float[]>> scalars = new LinkedHashMap<>();
        boolean versionFirst;
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            byte[] first = record(in);
            versionFirst = new String(first, java.nio.charset.StandardCharsets.ISO_8859_1).contains("brain.Event:2");
            for (byte[] event = record(in); event != null; event = record(in)) {
                readScalar(event, scalars);
            }
        }
        assertTrue(versionFirst, "the first record names the file version");
        List<JsonNode> logged = rows(run.resolve("metrics.jsonl")).stream().filter(r -> r.has("loss")).toList();
        List<float[]> losses = scalars.get("train/loss");
        assertEquals(logged.size(), losses.size());
        for (int i = 0; i < losses.size(); i++) {
            assertEquals(logged.get(i).get("step").asLong(), (long) losses.get(i)[0]);
            assertEquals((float) logged.get(i).get("loss").asDouble(), losses.get(i)[1]);
        }
        assertEquals(2, scalars.get("eval/loss").size());
        assertEquals(2, scalars.get("eval/rougeL").size());
    }

    @Test
    void curvesArePicturesOfTheRun() throws Exception {
        BufferedImage image = ImageIO.read(run.resolve("curves.png").toFile());
        assertEquals(900, image.getWidth());
        assertEquals(500, image.getHeight());
    }

    @Test
    void flagsTheTrainerHasButThisToolCannotHonourAreRefusedWithWhy() {
        for (String[] c : new String[][] {{"--fp16", "fp16"}, {"--bf16", "bf16"}, {"--gradient_checkpointing", "gradient-checkpointing"},
                {"--optim", "optim"}, {"--push_to_hub", "push-to-hub"}}) {
            Cli.Result r = Cli.run("train", "--model", "m", "--train", "t.jsonl", "--output-dir", "o", c[0]);
            assertEquals(2, r.status(), r.err());
            assertTrue(r.err().strip().startsWith("summarizer train: --" + c[1] + " is not supported: "), r.err());
        }
        Cli.Result r = Cli.run("train", "--model", "m", "--train", "t.jsonl", "--output-dir", "o", "--eval-strategy", "steps");
        assertEquals("summarizer train: --eval-strategy steps needs --validation FILE", r.err().strip());
        r = Cli.run("train", "--model", "m", "--train", "t.jsonl", "--output-dir", "o", "--validation", "v.jsonl",
                "--metric-for-best-model", "rougeL");
        assertEquals("summarizer train: --metric-for-best-model eval_rougeL is a ROUGE score: it needs --predict-with-generate",
                r.err().strip());
    }

    /** One TFRecord, its two checksums verified; null at the end of the file. */
    private static byte[] record(DataInputStream in) throws Exception {
        byte[] header = in.readNBytes(12);
        if (header.length == 0) {
            return null;
        }
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        long length = h.getLong(0);
        assertEquals(masked(java.util.Arrays.copyOf(header, 8)), h.getInt(8), "length checksum");
        byte[] data = in.readNBytes((int) length);
        byte[] crc = in.readNBytes(4);
        assertEquals(masked(data), ByteBuffer.wrap(crc).order(ByteOrder.LITTLE_ENDIAN).getInt(), "data checksum");
        return data;
    }

    /** TFRecord's masking, written from its definition: CRC-32C rotated right by 15, plus 0xa282ead8. */
    private static int masked(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        int c = (int) crc.getValue();
        return Integer.rotateRight(c, 15) + 0xa282ead8;
    }

    /** Event{step = 2 (varint), summary = 5 {value = 1 {tag = 1, simple_value = 2 (fixed32)}}}. */
    private static void readScalar(byte[] event, Map<String, List<float[]>> scalars) {
        ByteBuffer b = ByteBuffer.wrap(event).order(ByteOrder.LITTLE_ENDIAN);
        long step = 0;
        String tag = null;
        float value = Float.NaN;
        while (b.hasRemaining()) {
            long key = varint(b);
            int field = (int) (key >>> 3);
            int type = (int) (key & 7);
            if (type == 1) {
                b.getDouble();
            } else if (type == 0) {
                long v = varint(b);
                if (field == 2) {
                    step = v;
                }
            } else if (type == 2) {
                int n = (int) varint(b);
                byte[] inner = new byte[n];
                b.get(inner);
                if (field == 5) {
                    ByteBuffer summary = ByteBuffer.wrap(inner).order(ByteOrder.LITTLE_ENDIAN);
                    varint(summary);
                    int m = (int) varint(summary);
                    ByteBuffer v = ByteBuffer.wrap(inner, summary.position(), m).order(ByteOrder.LITTLE_ENDIAN);
                    while (v.hasRemaining()) {
                        long k = varint(v);
                        if ((k & 7) == 2) {
                            byte[] t = new byte[(int) varint(v)];
                            v.get(t);
                            tag = new String(t, java.nio.charset.StandardCharsets.UTF_8);
                        } else if ((k & 7) == 5) {
                            value = v.getFloat();
                        }
                    }
                }
            } else {
                throw new AssertionError("unexpected wire type " + type);
            }
        }
        if (tag != null) {
            scalars.computeIfAbsent(tag, t -> new ArrayList<>()).add(new float[] {step, value});
        }
    }

    private static long varint(ByteBuffer b) {
        long result = 0;
        for (int shift = 0; ; shift += 7) {
            byte x = b.get();
            result |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return result;
            }
        }
    }
}

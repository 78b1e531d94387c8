package dev.summarizer.training.train;

import static dev.summarizer.testing.Assertions.assertTensorsClose;
import static dev.summarizer.testing.Assertions.assertUpdatesClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.summarizer.lora.AdapterFiles;
import dev.summarizer.model.FloatTensor;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.Safetensors;
import dev.summarizer.testing.Cli;
import dev.summarizer.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code train --use-peft} against PEFT + torch with the Trainer's semantics (scripts/reference/lora_fixtures.py): 8
 * optimizer steps from the fixture's initial adapter, every loss, rate and gradient norm, the final adapter's every
 * factor, and the files a LoRA run writes.
 */
class LoraTrainerTest {
    private static final Path LORA = Fixtures.fixture("lora");
    private static final Path TRAINER = Fixtures.fixture("trainer");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** The reference model of {@code arch} with the trainer fixture's tokenizer, as lora_fixtures.py loads them. */
    static Path baseModel(Path dir, String arch) throws IOException {
        Path base = Files.createDirectories(dir.resolve(arch + "-base"));
        for (String f : List.of("config.json", "model.safetensors")) {
            Files.copy(Fixtures.referenceModel(arch).resolve(f), base.resolve(f));
        }
        for (String f : List.of("tokenizer.json", "tokenizer_config.json")) {
            Files.copy(TRAINER.resolve("model").resolve(f), base.resolve(f));
        }
        return base;
    }

    /** The reference run's flags on {@code base}; {@code overrides} are flag-value pairs that replace or add to them. */
    static String[] flags(Path base, Path out, String arch, String... overrides) {
        String[] lora = {"--use-peft", "true", "--lora-adapter", LORA.resolve(arch).resolve("initial_adapter").toString(),
                "--lora-dropout", "0"};
        String[] all = Stream.concat(Stream.of(lora), Stream.of(overrides)).toArray(String[]::new);
        return ReferenceRun.trainArgs(Fixtures.json(LORA.resolve(arch).resolve("expected.json")).get("settings"), base,
                TRAINER.resolve("train.jsonl"), out, all);
    }

    @ParameterizedTest
    @ValueSource(strings = {"relu-tied", "gated-untied"})
    void eightStepsMatchPeftStepForStep(String arch) throws Exception {
        Path base = baseModel(dir, arch);
        Path out = dir.resolve("run");
        Cli.Result r = Cli.run(flags(base, out, arch));
        assertEquals(0, r.status(), r.err());

        JsonNode expected = Fixtures.json(LORA.resolve(arch).resolve("expected.json")).get("steps");
        List<JsonNode> rows = rows(out.resolve("metrics.jsonl"));
        assertEquals(8, rows.size());
        for (int i = 0; i < 8; i++) {
            JsonNode e = expected.get(i);
            JsonNode a = rows.get(i);
            assertEquals(e.get("step").asLong(), a.get("step").asLong());
            assertEquals(e.get("loss").asDouble(), a.get("loss").asDouble(), 2e-3 * e.get("loss").asDouble(), arch + " loss at step " + (i + 1));
            assertEquals(e.get("learning_rate").asDouble(), a.get("learning_rate").asDouble(), 1e-12, arch + " rate at step " + (i + 1));
            assertEquals(e.get("grad_norm").asDouble(), a.get("grad_norm").asDouble(), 2e-3 * e.get("grad_norm").asDouble(),
                    arch + " grad norm at step " + (i + 1));
        }
        Path adapter = out.resolve("adapter");
        Map<String, FloatTensor> reference = Safetensors.read(LORA.resolve(arch).resolve("final_adapter").resolve(AdapterFiles.WEIGHTS));
        Map<String, FloatTensor> trained = Safetensors.read(adapter.resolve(AdapterFiles.WEIGHTS));
        assertTensorsClose(reference, trained, 2e-3, arch + " final adapter");
        Map<String, FloatTensor> initial = Safetensors.read(LORA.resolve(arch).resolve("initial_adapter").resolve(AdapterFiles.WEIGHTS));
        assertUpdatesClose(initial, reference, trained, 2e-3, arch + " adapter updates over 8 steps");

        // The merged model: the adapted weights near PEFT's merge of its own final adapter, the others the base's, bit for bit.
        Map<String, FloatTensor> merged = Safetensors.read(LORA.resolve(arch).resolve("merged.safetensors"));
        Map<String, FloatTensor> finalWeights = ModelFolder.open(out.resolve("final")).readWeights().tensors();
        Map<String, FloatTensor> baseWeights = ModelFolder.open(base).readWeights().tensors();
        Map<String, FloatTensor> adapted = new LinkedHashMap<>();
        merged.keySet().forEach(k -> adapted.put(k, finalWeights.get(k)));
        assertTensorsClose(merged, adapted, 1e-4, arch + " merged weights");
        for (String name : baseWeights.keySet()) {
            if (!merged.containsKey(name)) {
                assertArrayEquals(baseWeights.get(name).data(), finalWeights.get(name).data(), name + " is frozen");
            }
        }
        assertTrue(Files.exists(out.resolve("final/onnx/decoder_model_merged.onnx")));
    }

    @Test
    void checkpointsHoldTheAdapterAndItsMomentsOnly() throws Exception {
        Path base = baseModel(dir, "relu-tied");
        Path out = dir.resolve("run");
        assertEquals(0, Cli.run(flags(base, out, "relu-tied", "--save-steps", "4")).status());
        Path checkpoint = out.resolve("checkpoint-4");
        try (Stream<Path> files = Files.list(checkpoint)) {
            assertEquals(List.of("adapter_config.json", "adapter_model.safetensors", "optimizer.safetensors", "tokenizer.json",
                    "tokenizer_config.json", "trainer_state.json", "training_args.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        Map<String, FloatTensor> factors = Safetensors.read(checkpoint.resolve(AdapterFiles.WEIGHTS));
        Map<String, FloatTensor> moments = Safetensors.read(checkpoint.resolve("optimizer.safetensors"));
        assertEquals(2 * factors.size(), moments.size());
        for (String key : factors.keySet()) {
            assertTrue(moments.containsKey("exp_avg." + key) && moments.containsKey("exp_avg_sq." + key), key);
        }
        assertEquals(4, JSON.readTree(checkpoint.resolve("trainer_state.json").toFile()).get("global_step").asLong());
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of("adapter", "all_results.json", "checkpoint-4", "checkpoint-8", "curves.png", "final", "metrics.jsonl",
                    "train_results.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    /** New adapters (PEFT's initialisation from the seed), with dropout on the model and on the adapters, shuffled. */
    @Test
    void aRunResumedFromACheckpointEndsWithTheSameAdapter() throws Exception {
        Path base = baseModel(dir, "gated-untied");
        String[] settings = {"--lora-adapter", null, "--lora-dropout", "0.1", "--dropout", "0.1", "--shuffle", "true",
            "--save-steps", "4", "--lora-target-modules", "q,v,wi_0", "--lora-r", "2"};
        Path full = dir.resolve("full");
        Cli.Result first = Cli.run(flags(base, full, "gated-untied", settings));
        assertEquals(0, first.status(), first.err());
        Path resumed = dir.resolve("resumed");
        String[] resume = java.util.Arrays.copyOf(settings, settings.length + 2);
        resume[settings.length] = "--resume-from-checkpoint";
        resume[settings.length + 1] = full.resolve("checkpoint-4").toString();
        Cli.Result r = Cli.run(flags(base, resumed, "gated-untied", resume));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("resumed from " + full.resolve("checkpoint-4") + " at step 4"), r.err());
        Map<String, FloatTensor> a = Safetensors.read(full.resolve("adapter").resolve(AdapterFiles.WEIGHTS));
        Map<String, FloatTensor> b = Safetensors.read(resumed.resolve("adapter").resolve(AdapterFiles.WEIGHTS));
        assertEquals(a.keySet(), b.keySet());
        a.forEach((k, t) -> assertArrayEquals(t.data(), b.get(k).data(), k));
        JsonNode config = JSON.readTree(full.resolve("adapter").resolve(AdapterFiles.CONFIG).toFile());
        assertEquals(2, config.get("r").asInt());
        assertEquals(16, config.get("lora_alpha").asInt(), "TRL's default alpha");
        assertEquals(0.1, config.get("lora_dropout").asDouble());
        assertEquals(List.of("q", "v", "wi_0"), List.of(JSON.treeToValue(config.get("target_modules"), String[].class)));
    }

    @Test
    void evaluationUsesTheMergedWeightsAndTheBestCheckpointEndsTheRun() throws Exception {
        Path base = baseModel(dir, "relu-tied");
        Path out = dir.resolve("run");
        Cli.Result r = Cli.run(flags(base, out, "relu-tied", "--validation", TRAINER.resolve("validation.jsonl").toString(),
                "--eval-steps", "4", "--save-steps", "4", "--predict-with-generate", "true", "--generation-eval-samples", "2",
                "--generation-max-length", "4",
                "--metric-for-best-model", "eval_loss", "--greater-is-better", "true", "--load-best-model-at-end", "true"));
        assertEquals(0, r.status(), r.err());
        List<JsonNode> evals = rows(out.resolve("metrics.jsonl")).stream().filter(row -> row.has("eval_loss")).toList();
        assertEquals(2, evals.size());
        assertTrue(evals.get(0).has("eval_rougeL"));
        // Calling higher better keeps the first evaluation's checkpoint as the best: the results are its adapter.
        assertArrayEquals(Files.readAllBytes(out.resolve("checkpoint-4").resolve(AdapterFiles.WEIGHTS)),
                Files.readAllBytes(out.resolve("adapter").resolve(AdapterFiles.WEIGHTS)));
        assertTrue(Files.exists(out.resolve("final/onnx/encoder_model.onnx")));
    }

    @Test
    void badInputIsOneLineAndLeavesNothingBehind() throws Exception {
        Path base = baseModel(dir, "gated-untied");
        Path reluBase = baseModel(dir, "relu-tied");
        Path reluAdapter = LORA.resolve("relu-tied").resolve("initial_adapter");
        assertOneLine(Cli.run(flags(base, dir.resolve("a"), "gated-untied", "--use-peft", null, "--lora-adapter", null,
                "--lora-dropout", null, "--lora-r", "4")), "--lora-r is for LoRA training; add --use-peft", 2);
        assertOneLine(Cli.run(flags(base, dir.resolve("b"), "gated-untied", "--lora-adapter", null, "--lora-r", "0")),
                "--lora-r: must be between 1 and 65536, got 0", 2);
        assertOneLine(Cli.run(flags(base, dir.resolve("c"), "gated-untied", "--lora-adapter", null,
                "--lora-target-modules", "q,query")), "--lora-target-modules: unknown module \"query\" (T5's linear layers are "
                + "q, k, v, o, wi, wi_0, wi_1, wo; or all-linear alone)", 2);
        assertOneLine(Cli.run(flags(base, dir.resolve("d"), "gated-untied", "--lora-adapter", null,
                "--lora-target-modules", "wi")), "--lora-target-modules wi: none of them is a layer of this model "
                + "(its linear layers are q, k, v, o, wi_0, wi_1, wo)", 1);
        assertOneLine(Cli.run(flags(base, dir.resolve("e"), "gated-untied", "--lora-adapter", reluAdapter.toString())),
                reluAdapter.resolve(AdapterFiles.WEIGHTS) + ": tensor base_model.model.encoder.block.0.layer.0.SelfAttention.q.lora_A.weight"
                + " has shape [4, 32] but the model's encoder.block.0.layer.0.SelfAttention.q.weight [60, 48] at r 4 needs [4, 48]", 1);
        assertOneLine(Cli.run(flags(reluBase, dir.resolve("f"), "relu-tied", "--lora-r", "8")),
                "--lora-r 8 does not match the adapter in " + LORA.resolve("relu-tied").resolve("initial_adapter") + " (r 4)", 1);
        Path ia3 = Files.createDirectories(dir.resolve("ia3"));
        Files.writeString(ia3.resolve(AdapterFiles.CONFIG), "{\"peft_type\": \"IA3\", \"target_modules\": [\"k\", \"v\"]}");
        assertOneLine(Cli.run(flags(reluBase, dir.resolve("g"), "relu-tied", "--lora-adapter", ia3.toString())),
                ia3.resolve(AdapterFiles.CONFIG) + ": peft_type is \"IA3\", not \"LORA\" (only LoRA adapters are supported)", 1);

        Path lora = dir.resolve("lora");
        assertEquals(0, Cli.run(flags(reluBase, lora, "relu-tied", "--max-steps", "2")).status());
        assertOneLine(Cli.run(flags(reluBase, lora, "relu-tied", "--use-peft", null, "--lora-adapter", null, "--lora-dropout", null,
                "--resume-from-checkpoint", "latest")), lora.resolve("checkpoint-2") + ": a LoRA checkpoint (an adapter and its "
                + "moments, not the model's weights); resume it as a LoRA run", 1);
        for (String run : List.of("a", "b", "c", "d", "e", "f", "g")) {
            Path folder = dir.resolve(run);
            if (Files.exists(folder)) {
                try (Stream<Path> files = Files.list(folder)) {
                    assertEquals(List.of(), files.toList(), run + " is left empty");
                }
            }
        }
    }

    private static void assertOneLine(Cli.Result r, String message, int status) {
        assertEquals(status, r.status(), r.err());
        String last = r.err().strip().lines().reduce((x, y) -> y).orElse("");
        assertEquals("summarizer train: " + message, last);
        assertFalse(r.err().contains("Exception"), r.err());
    }

    private static List<JsonNode> rows(Path metrics) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(metrics)) {
            rows.add(JSON.readTree(line));
        }
        return rows;
    }
}

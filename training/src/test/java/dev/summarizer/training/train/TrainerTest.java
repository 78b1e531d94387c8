package dev.summarizer.training.train;

import static dev.summarizer.testing.Assertions.assertTensorsClose;
import static dev.summarizer.testing.Assertions.assertUpdatesClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.summarizer.cli.ParsedArgs;
import dev.summarizer.model.FloatTensor;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.Safetensors;
import dev.summarizer.testing.Cli;
import dev.summarizer.testing.Fixtures;
import dev.summarizer.training.session.TrainingCheckpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The train command against a PyTorch loop with the Trainer's semantics (scripts/reference/trainer_fixtures.py),
 * and the run's behaviour: resuming, stopping, checkpoints, early stopping, failures.
 */
class TrainerTest {
    private static final Path FIXTURE = Fixtures.fixture("trainer");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** The flags of the reference run; {@code overrides} are flag-value pairs that replace or add to them. */
    private static String[] flags(Path out, String... overrides) {
        return ReferenceRun.trainArgs(Fixtures.json(FIXTURE.resolve("expected.json")).get("settings"),
                FIXTURE.resolve("model"), FIXTURE.resolve("train.jsonl"), out, overrides);
    }

    @Test
    void aShortRunMatchesPyTorchStepForStep() throws Exception {
        Path out = dir.resolve("run");
        Cli.Result r = Cli.run(flags(out));
        assertEquals(0, r.status(), r.err());
        JsonNode expected = Fixtures.json(FIXTURE.resolve("expected.json")).get("steps");
        List<JsonNode> rows = rows(out.resolve("metrics.jsonl"));
        assertEquals(8, rows.size());
        for (int i = 0; i < 8; i++) {
            JsonNode e = expected.get(i);
            JsonNode a = rows.get(i);
            assertEquals(e.get("step").asLong(), a.get("step").asLong());
            assertEquals(e.get("loss").asDouble(), a.get("loss").asDouble(), 2e-3 * e.get("loss").asDouble(), "loss at step " + (i + 1));
            assertEquals(e.get("learning_rate").asDouble(), a.get("learning_rate").asDouble(), 1e-12, "rate at step " + (i + 1));
            assertEquals(e.get("grad_norm").asDouble(), a.get("grad_norm").asDouble(), 2e-3 * e.get("grad_norm").asDouble(),
                    "grad norm at step " + (i + 1));
        }
        Map<String, FloatTensor> reference = Safetensors.read(FIXTURE.resolve("final.safetensors"));
        Map<String, FloatTensor> trained = ModelFolder.open(out.resolve("final")).readWeights().tensors();
        assertTensorsClose(reference, trained, 2e-3, "final weights");
        assertUpdatesClose(ModelFolder.open(FIXTURE.resolve("model")).readWeights().tensors(), reference, trained, 1e-3,
                "updates over 8 steps");
        assertTrue(Files.exists(out.resolve("final/onnx/decoder_model_merged.onnx")));
        assertEquals("summarize: ", JSON.readTree(out.resolve("final/config.json").toFile())
                .path("task_specific_params").path("summarization").path("prefix").asText(), "the final config records the prefix");
    }

    /** Ctrl-C for real: a train process gets SIGINT, saves a checkpoint, exits 130, and the run resumes from it. */
    @Test
    void anInterruptSignalSavesACheckpointAndTheRunResumesFromIt() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/kill")) || Files.isExecutable(Path.of("/usr/bin/kill")),
                "no kill command to send SIGINT with");
        Path out = dir.resolve("interrupted");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.summarizer.cli.Main"));
        String[] train = flags(out, "--max-steps", "100000", "--save-steps", "0", "--logging-steps", "1", "--eval-steps", "0");
        command.addAll(List.of(train));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("interrupted.log").toFile())
                .start();
        try {
            Path metrics = out.resolve("metrics.jsonl");
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (!(Files.exists(metrics) && Files.readAllLines(metrics).size() >= 3)) {
                assertTrue(process.isAlive(), Files.readString(dir.resolve("interrupted.log")));
                assertTrue(System.nanoTime() < deadline, "no training steps in 60 s");
                Thread.sleep(50);
            }
            new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start().waitFor();
            assertTrue(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the run did not stop after SIGINT");
        } finally {
            process.destroyForcibly();
        }
        String log = Files.readString(dir.resolve("interrupted.log"));
        assertEquals(130, process.exitValue(), log);
        assertTrue(log.contains("stopping: saving a resumable checkpoint"), log);
        assertFalse(log.contains("Exception"), log);
        Path checkpoint;
        try (var files = Files.list(out)) {
            checkpoint = files.filter(f -> f.getFileName().toString().startsWith("checkpoint-")).findFirst().orElseThrow();
        }
        long step = TrainingCheckpoint.read(checkpoint, null).step();
        assertTrue(step >= 3, "stopped at step " + step);

        Cli.Result resumed = Cli.run(flags(out, "--max-steps", Long.toString(step + 2), "--save-steps", "0", "--eval-steps", "0",
                "--resume-from-checkpoint", "latest"));
        assertEquals(0, resumed.status(), resumed.err());
        assertTrue(resumed.err().contains("resumed from " + checkpoint + " at step " + step), resumed.err());
        assertTrue(Files.exists(out.resolve("final/model.safetensors")));
    }

    @Test
    void resumingFromAnyCheckpointEndsWithTheSameWeightsEvenWithDropout() throws Exception {
        Path full = dir.resolve("full");
        assertEquals(0, Cli.run(flags(full, "--dropout", "0.1", "--shuffle", "true", "--save-steps", "4")).status());
        Path resumed = dir.resolve("resumed");
        Cli.Result r = Cli.run(flags(resumed, "--dropout", "0.1", "--shuffle", "true", "--save-steps", "4",
                "--resume-from-checkpoint", full.resolve("checkpoint-4").toString()));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("resumed from " + full.resolve("checkpoint-4") + " at step 4"), r.err());
        assertSameWeights(full.resolve("final"), resumed.resolve("final"));
        // The resumed run's log starts where the checkpoint was.
        assertEquals(4, rows(resumed.resolve("metrics.jsonl")).size());
    }

    @Test
    void stoppingSavesACheckpointFromWhichTheRunCompletesIdentically() throws Exception {
        Path full = dir.resolve("full");
        assertEquals(0, Cli.run(flags(full, "--dropout", "0.1", "--shuffle", "true")).status());

        Path stopped = dir.resolve("stopped");
        Trainer trainer = new Trainer(arguments(flags(stopped, "--dropout", "0.1", "--shuffle", "true")), quiet());
        trainer.requestStop(); // as Ctrl-C does: the first micro-batch runs, then the run saves and returns
        Trainer.Result first = trainer.run();
        assertTrue(first.interrupted());
        assertEquals(stopped.resolve("checkpoint-0"), first.lastCheckpoint());
        assertEquals(0, TrainingCheckpoint.read(first.lastCheckpoint(), null).step());

        Cli.Result r = Cli.run(flags(stopped, "--dropout", "0.1", "--shuffle", "true", "--resume-from-checkpoint", "latest"));
        assertEquals(0, r.status(), r.err());
        assertSameWeights(full.resolve("final"), stopped.resolve("final"));
    }

    @Test
    void theBestCheckpointIsKeptWithinTheLimitAndEarlyStoppingStops() throws Exception {
        Path out = dir.resolve("run");
        // Loss goes down; calling higher better makes every evaluation after the first a non-improvement.
        Cli.Result r = Cli.run(flags(out, "--validation", FIXTURE.resolve("validation.jsonl").toString(), "--eval-steps", "2",
                "--predict-with-generate", "true", "--save-steps", "2", "--save-total-limit", "1", "--generation-eval-samples", "4", "--generation-max-length", "8",
                "--metric-for-best-model", "eval_loss", "--greater-is-better", "true", "--early-stopping-patience", "2"));
        assertEquals(0, r.status(), r.err());
        List<JsonNode> evals = rows(out.resolve("metrics.jsonl")).stream().filter(row -> row.has("eval_loss")).toList();
        assertEquals(3, evals.size(), "evaluations at steps 2, 4, 6; two without improvement stop the run");
        assertEquals(6, evals.get(2).get("step").asLong());
        for (JsonNode e : evals) {
            for (String k : List.of("eval_rouge1", "eval_rouge2", "eval_rougeL", "eval_rougeLsum")) {
                assertTrue(e.get(k).asDouble() >= 0 && e.get(k).asDouble() <= 1, k);
            }
        }
        try (Stream<Path> files = Files.list(out)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            // checkpoint-2 is the best (the first evaluation); the newest is kept beside it.
            assertEquals(List.of("all_results.json", "checkpoint-2", "checkpoint-6", "curves.png", "final", "metrics.jsonl",
                    "train_results.json"), names);
        }
        assertEquals(out.resolve("checkpoint-2").toString(), TrainingCheckpoint.read(out.resolve("checkpoint-6"), null)
                .trainerState().get("best_model_checkpoint").asText());
    }

    @Test
    void aFullDiskWhileSavingStopsWithAMessageAndKeepsTheEarlierCheckpoint() throws Exception {
        Path out = dir.resolve("run");
        Trainer trainer = new Trainer(arguments(flags(out, "--save-steps", "2")), quiet());
        int[] saves = {0};
        trainer.checkpointWriter = real -> (checkpoint, state) -> {
            if (++saves[0] == 2) {
                throw new IOException("No space left on device");
            }
            real.write(checkpoint, state);
        };
        var e = assertThrows(TrainingException.class, trainer::run);
        assertEquals("could not write the checkpoint " + out.resolve("checkpoint-4") + " (No space left on device); "
                + "earlier checkpoints are intact", e.getMessage());
        assertEquals(2, TrainingCheckpoint.read(out.resolve("checkpoint-2"), null).step());
        assertFalse(Files.exists(out.resolve("checkpoint-4")));
    }

    @Test
    void badInputIsOneLine() throws Exception {
        Path out = Files.createDirectories(dir.resolve("taken"));
        Files.writeString(out.resolve("notes.txt"), "mine");
        assertOneLine(Cli.run(flags(out)), out + " already exists and is not empty (pass --overwrite-output-dir to train into it, "
                + "or --resume-from-checkpoint to continue a run)");
        assertOneLine(Cli.run(flags(dir.resolve("a"), "--text-column", "text")),
                FIXTURE.resolve("train.jsonl") + ": no column \"text\"; columns are: dialogue, summary");
        assertOneLine(Cli.run(flags(dir.resolve("b"), "--train", dir.resolve("missing.jsonl").toString())),
                dir.resolve("missing.jsonl") + ": file not found");
        assertOneLine(Cli.run(flags(dir.resolve("c"), "--lr-scheduler-type", "step")),
                "--lr-scheduler-type: expected linear, cosine, constant or constant_with_warmup, got \"step\"");
        // Weights that are not numbers: the first loss is not finite, and the run stops saying so.
        Path broken = dir.resolve("broken");
        Files.createDirectories(broken);
        try (var files = Files.list(FIXTURE.resolve("model"))) {
            for (Path f : files.toList()) {
                Files.copy(f, broken.resolve(f.getFileName()));
            }
        }
        Map<String, FloatTensor> tensors = new java.util.LinkedHashMap<>(Safetensors.read(broken.resolve("model.safetensors")));
        float[] huge = tensors.get("shared.weight").data();
        java.util.Arrays.fill(huge, Float.NaN);
        Safetensors.write(broken.resolve("model.safetensors"), tensors);
        assertOneLine(Cli.run(flags(dir.resolve("d"), "--model", broken.toString())),
                "the loss became NaN at step 1 (try a lower --learning-rate, or --max-grad-norm)");
    }

    private static void assertOneLine(Cli.Result r, String message) {
        assertTrue(r.status() == 1 || r.status() == 2, r.err());
        String last = r.err().strip().lines().reduce((x, y) -> y).orElse("");
        assertEquals("summarizer train: " + message, last);
        assertFalse(r.err().contains("Exception"), r.err());
    }

    private static TrainingArguments arguments(String[] flags) {
        var command = new dev.summarizer.training.commands.TrainCommand();
        ParsedArgs parsed = command.options().parse("train", java.util.Arrays.copyOfRange(flags, 1, flags.length));
        return dev.summarizer.training.commands.TrainCommand.parse(parsed);
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream());
    }

    private static List<JsonNode> rows(Path metrics) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(metrics)) {
            rows.add(JSON.readTree(line));
        }
        return rows;
    }

    private static void assertSameWeights(Path a, Path b) {
        Map<String, FloatTensor> x = ModelFolder.open(a).readWeights().tensors();
        Map<String, FloatTensor> y = ModelFolder.open(b).readWeights().tensors();
        for (String name : x.keySet()) {
            assertArrayEquals(x.get(name).data(), y.get(name).data(), name);
        }
    }
}

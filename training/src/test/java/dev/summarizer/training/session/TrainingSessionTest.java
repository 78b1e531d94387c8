package dev.summarizer.training.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.summarizer.training.artifacts.AdamWSettings;
import dev.summarizer.generate.GenerationSettings;
import dev.summarizer.generate.Summarizer;
import dev.summarizer.model.FloatTensor;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.ModelFormatException;
import dev.summarizer.model.Presets;
import dev.summarizer.model.Safetensors;
import dev.summarizer.model.T5Weights;
import dev.summarizer.runtime.Device;
import dev.summarizer.testing.Cli;
import dev.summarizer.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints, resuming, accumulation, failure handling and export of a TrainingSession. */
class TrainingSessionTest {
    @TempDir
    Path dir;

    private static final JsonNode FIXTURE = Fixtures.json(Fixtures.fixture("relu-tied-training.json"));

    private static T5Weights weights() {
        return ModelFolder.open(Fixtures.referenceModel("relu-tied")).readWeights();
    }

    private static TrainingSettings settings(double dropout) {
        return new TrainingSettings(dropout, 5, 0, new AdamWSettings(0.9, 0.999, 1e-8, 0.01), 1.0);
    }

    private static Batch batch(int i) {
        return TrainingParityTest.batch(FIXTURE.get("batches").get(i % 3));
    }

    @Test
    void resumingFromACheckpointContinuesExactlyEvenWithDropout() throws Exception {
        Path checkpoint = dir.resolve("checkpoint-3");
        Map<String, FloatTensor> uninterrupted;
        try (TrainingSession run = TrainingSession.create(weights(), settings(0.1), Device.CPU, 1)) {
            for (int k = 0; k < 6; k++) {
                if (k == 3) {
                    run.restartDropout(); // what the trainer does at every checkpoint
                    run.saveCheckpoint(checkpoint, new ObjectMapper().createObjectNode().put("epoch", 0));
                }
                run.trainStep(batch(k));
                run.optimizerStep(1e-3);
            }
            uninterrupted = run.weights().tensors();
        }
        TrainingCheckpoint saved = TrainingCheckpoint.read(checkpoint, weights().config());
        assertEquals(3, saved.step());
        assertEquals(0, saved.trainerState().get("epoch").asInt());
        try (TrainingSession resumed = TrainingSession.resume(saved, settings(0.1), Device.CPU, 1)) {
            assertEquals(3, resumed.step());
            for (int k = 3; k < 6; k++) {
                resumed.trainStep(batch(k));
                resumed.optimizerStep(1e-3);
            }
            Map<String, FloatTensor> after = resumed.weights().tensors();
            for (String name : uninterrupted.keySet()) {
                assertArrayEquals(uninterrupted.get(name).data(), after.get(name).data(), name);
            }
        }
    }

    @Test
    void dropoutIsActiveInTrainingAndNotInEval() throws Exception {
        try (TrainingSession plain = TrainingSession.create(weights(), settings(0), Device.CPU, 1);
                TrainingSession dropped = TrainingSession.create(weights(), settings(0.3), Device.CPU, 1)) {
            double clean = plain.trainStep(batch(0));
            assertNotEquals(clean, dropped.trainStep(batch(0)), 1e-6);
            assertEquals(clean, dropped.evalStep(batch(0)), 1e-5 * clean);
            assertEquals(FIXTURE.get("loss").asDouble(), plain.evalStep(batch(0)), 1e-5 * clean);
        }
    }

    @Test
    void accumulatedMicroBatchesAreAveragedBeforeClipping() throws Exception {
        Map<String, FloatTensor> first;
        Map<String, FloatTensor> second;
        try (TrainingSession a = TrainingSession.create(weights(), settings(0), Device.CPU, 1)) {
            a.trainStep(batch(1));
            first = a.gradients();
        }
        try (TrainingSession b = TrainingSession.create(weights(), settings(0), Device.CPU, 1)) {
            b.trainStep(batch(2));
            second = b.gradients();
        }
        double squares = 0;
        for (String name : first.keySet()) {
            float[] x = first.get(name).data();
            float[] y = second.get(name).data();
            for (int i = 0; i < x.length; i++) {
                double mean = ((double) x[i] + y[i]) / 2;
                squares += mean * mean;
            }
        }
        try (TrainingSession both = TrainingSession.create(weights(), settings(0), Device.CPU, 1)) {
            both.trainStep(batch(1));
            both.trainStep(batch(2));
            assertEquals(2, both.pendingMicroBatches());
            TrainingSession.OptimizerStep step = both.optimizerStep(1e-3);
            assertEquals(Math.sqrt(squares), step.gradNorm(), 1e-5 * Math.sqrt(squares));
            assertEquals(0, both.pendingMicroBatches());
            assertEquals(1, step.step());
        }
    }

    @Test
    void aNonFiniteLossStopsWithTheStepAndLeavesTheParameters() throws Exception {
        T5Weights w = weights();
        Map<String, FloatTensor> tensors = new LinkedHashMap<>(w.tensors());
        float[] broken = tensors.get("encoder.final_layer_norm.weight").data().clone();
        broken[3] = Float.NaN;
        tensors.put("encoder.final_layer_norm.weight", new FloatTensor(new long[] {broken.length}, broken));
        try (TrainingSession session = TrainingSession.create(new T5Weights(w.config(), tensors), settings(0), Device.CPU, 1)) {
            var e = assertThrows(NonFiniteLossException.class, () -> session.trainStep(batch(0)));
            assertEquals(1, e.step());
            assertTrue(e.getMessage().startsWith("the loss became NaN at step 1"), e.getMessage());
            assertEquals(0, session.pendingMicroBatches());
        }
    }

    @Test
    void checkpointsOfAnotherArchitectureOrIncompleteOnesAreRejectedByName() throws Exception {
        Path checkpoint = dir.resolve("ckpt");
        try (TrainingSession session = TrainingSession.create(weights(), settings(0), Device.CPU, 1)) {
            session.saveCheckpoint(checkpoint, null);
        }
        var other = assertThrows(ModelFormatException.class,
                () -> TrainingCheckpoint.read(checkpoint, Presets.config("tiny")));
        assertEquals(checkpoint.resolve("config.json") + ": the checkpoint is of another architecture (d_model 32, the model has 64)",
                other.getMessage());

        Map<String, FloatTensor> moments = new LinkedHashMap<>(Safetensors.read(checkpoint.resolve("optimizer.safetensors")));
        moments.remove("exp_avg_sq.shared.weight");
        Safetensors.write(checkpoint.resolve("optimizer.safetensors"), moments);
        var missing = assertThrows(ModelFormatException.class, () -> TrainingCheckpoint.read(checkpoint, null));
        assertEquals(checkpoint.resolve("optimizer.safetensors") + ": missing tensor exp_avg_sq.shared.weight (expected shape [384, 32])",
                missing.getMessage());
    }

    @Test
    void savingOverACheckpointReplacesItWhole() throws Exception {
        Path checkpoint = dir.resolve("ckpt");
        try (TrainingSession session = TrainingSession.create(weights(), settings(0), Device.CPU, 1)) {
            session.saveCheckpoint(checkpoint, null);
            session.trainStep(batch(0));
            session.optimizerStep(1e-3);
            session.saveCheckpoint(checkpoint, null);
        }
        assertEquals(1, TrainingCheckpoint.read(checkpoint, null).step());
        try (var files = Files.list(dir)) {
            assertEquals(List.of("ckpt"), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void exportedModelsSummarize() throws Exception {
        Path source = dir.resolve("tiny");
        assertEquals(0, Cli.run("init", "--config", "tiny", "--out", source.toString()).status());
        Path out = dir.resolve("exported");
        try (TrainingSession session = TrainingSession.create(ModelFolder.open(source).readWeights(), settings(0), Device.CPU, 1)) {
            session.exportModel(out, ModelFolder.open(source), dev.summarizer.model.WeightFiles.DEFAULT_MAX_SHARD_BYTES);
            T5Weights exported = ModelFolder.open(out).readWeights();
            assertArrayEquals(session.weights().tensor("shared.weight").data(), exported.tensor("shared.weight").data());
        }
        try (Summarizer summarizer = Summarizer.open(ModelFolder.open(out), Device.CPU)) {
            GenerationSettings s = GenerationSettings.defaults();
            assertEquals(s.decoding().maxNewTokens(), summarizer.summarize(List.of("Anna: see you at noon."), s).get(0).tokenIds().length);
        }
    }

    @Test
    void theArtifactsCommandWritesFilesATrainingSessionRuns() throws Exception {
        Path out = dir.resolve("artifacts");
        Cli.Result r = Cli.run("artifacts", "--model", Fixtures.referenceModel("relu-tied").toString(), "--out", out.toString(),
                "--dropout", "0", "--weight-decay", "0.01");
        assertEquals(0, r.status(), r.err());
        for (String f : List.of("training_model.onnx", "eval_model.onnx", "optimizer_model.onnx", "checkpoint/model.safetensors",
                "checkpoint/optimizer.safetensors", "checkpoint/trainer_state.json", "checkpoint/config.json")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        try (TrainingSession session = TrainingSession.open(out, 1.0, Device.CPU, 1)) {
            double loss = session.trainStep(batch(0));
            assertEquals(FIXTURE.get("loss").asDouble(), loss, 1e-5 * loss);
            assertEquals(FIXTURE.get("steps").get(0).get("grad_norm").asDouble(), session.optimizerStep(0).gradNorm(), 1e-4);
        }
        Cli.Result again = Cli.run("artifacts", "--model", Fixtures.referenceModel("relu-tied").toString(), "--out", out.toString());
        assertEquals(1, again.status());
        assertEquals("summarizer artifacts: " + out + " already exists (pass --overwrite to replace it)", again.err().strip());
    }
}

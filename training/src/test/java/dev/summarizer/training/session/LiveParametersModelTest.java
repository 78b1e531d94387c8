package dev.summarizer.training.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.summarizer.export.OnnxExport;
import dev.summarizer.lora.AdapterFiles;
import dev.summarizer.lora.LoraAdapter;
import dev.summarizer.lora.LoraMerge;
import dev.summarizer.training.lora.LoraParameters;
import dev.summarizer.export.OptimumLayout;
import dev.summarizer.generate.Logits;
import dev.summarizer.generate.OnnxSeq2SeqModel;
import dev.summarizer.generate.TokenScorer;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.T5Weights;
import dev.summarizer.runtime.Device;
import dev.summarizer.testing.Fixtures;
import dev.summarizer.training.artifacts.AdamWSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer's evaluation decoders, built once over the training session's parameter buffers: after optimizer steps
 * and a refresh they compute what exported files of the same weights compute, step by step.
 */
class LiveParametersModelTest {
    private static final JsonNode FIXTURE = Fixtures.json(Fixtures.fixture("relu-tied-training.json"));

    @TempDir
    Path dir;

    @Test
    void refreshedDecodersSeeTheCurrentWeights() throws Exception {
        T5Weights initial = ModelFolder.open(Fixtures.referenceModel("relu-tied")).readWeights();
        TrainingSettings settings = new TrainingSettings(0, 5, 0, new AdamWSettings(0.9, 0.999, 1e-8, 0.01), 1.0);
        Batch batch = TrainingParityTest.batch(FIXTURE.get("batches").get(0));
        try (TrainingSession session = TrainingSession.create(initial, settings, Device.CPU, 1);
                OnnxSeq2SeqModel live = OnnxSeq2SeqModel.overLiveParameters(session.config(), session.layout(),
                        session.liveParameters(), Device.CPU, 1)) {
            assertThrows(IllegalStateException.class, () -> live.startDecoding(batch.inputIds(), batch.attentionMask(), 1),
                    "a model over live parameters decodes only after a refresh");
            live.refreshWeights();
            float[][] before = firstSteps(live, batch);
            try (OnnxSeq2SeqModel exported = exported(session.weights(), "before")) {
                assertClose(firstSteps(exported, batch), before);
            }

            for (int k = 0; k < 3; k++) {
                session.trainStep(batch);
                session.optimizerStep(1e-2);
            }
            float[][] stale = firstSteps(live, batch);
            assertClose(before, stale); // sessions keep the weights they were opened with
            live.refreshWeights();
            float[][] after = firstSteps(live, batch);
            try (OnnxSeq2SeqModel exported = exported(session.weights(), "after")) {
                assertClose(firstSteps(exported, batch), after);
            }
            assertTrue(maxDifference(before, after) > 1e-3, "three steps at 1e-2 move the logits");
        }
    }

    /** A LoRA run's live parameters: the frozen weights, and the adapted ones merged, brought up to date on refresh. */
    @Test
    void refreshedDecodersSeeTheMergedAdapter() throws Exception {
        T5Weights base = ModelFolder.open(Fixtures.referenceModel("relu-tied")).readWeights();
        LoraAdapter adapter = AdapterFiles.read(Fixtures.fixture("lora").resolve("relu-tied/initial_adapter"), base.layout());
        TrainingSettings settings = new TrainingSettings(0, 5, 0, new AdamWSettings(0.9, 0.999, 1e-8, 0.01), 1.0);
        Batch batch = TrainingParityTest.batch(FIXTURE.get("batches").get(0));
        try (TrainingSession session = TrainingSession.start(LoraParameters.over(() -> base, adapter.config(), adapter.modules(), "base"),
                adapter.tensors(), settings, Device.CPU, 1);
                OnnxSeq2SeqModel live = OnnxSeq2SeqModel.overLiveParameters(session.config(), session.layout(),
                        session.liveParameters(), Device.CPU, 1)) {
            session.refreshLiveParameters();
            live.refreshWeights();
            float[][] before = firstSteps(live, batch);
            try (OnnxSeq2SeqModel exported = exported(LoraMerge.merged(base, adapter), "before")) {
                assertClose(firstSteps(exported, batch), before);
            }
            for (int k = 0; k < 3; k++) {
                session.trainStep(batch);
                session.optimizerStep(1e-2);
            }
            session.refreshLiveParameters();
            live.refreshWeights();
            float[][] after = firstSteps(live, batch);
            try (OnnxSeq2SeqModel exported = exported(session.weights(), "after")) {
                assertClose(firstSteps(exported, batch), after);
            }
            assertTrue(maxDifference(before, after) > 1e-3, "three steps at 1e-2 move the logits");
            // The eval model of the adapter computes what the full eval model computes on the merged weights.
            double loraLoss = session.evalStep(batch);
            try (TrainingSession merged = TrainingSession.create(session.weights(), settings, Device.CPU, 1)) {
                assertEquals(merged.evalStep(batch), loraLoss, 1e-5 * loraLoss);
            }
        }
    }

    /** The logits of row 0 for the first three decoder steps, feeding token 3 each time. */
    private static float[][] firstSteps(OnnxSeq2SeqModel model, Batch batch) throws Exception {
        try (TokenScorer scorer = model.startDecoding(batch.inputIds(), batch.attentionMask(), 1)) {
            float[][] out = new float[3][];
            long[] tokens = new long[batch.inputIds().length];
            java.util.Arrays.fill(tokens, 3);
            for (int step = 0; step < out.length; step++) {
                Logits logits = scorer.next(tokens, null);
                out[step] = new float[logits.vocab()];
                for (int t = 0; t < logits.vocab(); t++) {
                    out[step][t] = logits.get(0, t);
                }
            }
            return out;
        }
    }

    private OnnxSeq2SeqModel exported(T5Weights weights, String name) throws Exception {
        Path folder = dir.resolve(name);
        OnnxExport.writeOnnxFiles(weights, Files.createDirectories(folder.resolve(OptimumLayout.ONNX_FOLDER)), line -> {});
        return OnnxSeq2SeqModel.open(folder, weights.config(), Device.CPU, 1, OnnxSeq2SeqModel.DecoderMode.SEPARATE);
    }

    private static void assertClose(float[][] expected, float[][] actual) {
        assertTrue(maxDifference(expected, actual) < 1e-5, "max difference " + maxDifference(expected, actual));
    }

    private static double maxDifference(float[][] a, float[][] b) {
        assertEquals(a.length, b.length);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                max = Math.max(max, Math.abs(a[i][j] - b[i][j]));
            }
        }
        return max;
    }
}

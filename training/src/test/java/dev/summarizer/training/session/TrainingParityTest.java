package dev.summarizer.training.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.summarizer.training.artifacts.AdamWSettings;
import dev.summarizer.model.FloatTensor;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.Safetensors;
import dev.summarizer.model.T5Weights;
import dev.summarizer.runtime.Device;
import dev.summarizer.testing.Fixtures;
import static dev.summarizer.testing.Assertions.assertTensorsClose;
import static dev.summarizer.testing.Assertions.assertUpdatesClose;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The training artifacts against PyTorch (scripts/reference/training_fixtures.py, dropout 0): the loss, every
 * parameter's gradient, and the parameters after three optimizer steps with the Trainer's AdamW grouping,
 * linear warmup schedule and global-norm clipping.
 */
class TrainingParityTest {
    /** Weight decay on a tensor that should not decay moves its update by about 1% here; float32 noise is far below. */
    private static final double UPDATE_TOLERANCE = 1e-3;

    @ParameterizedTest
    @ValueSource(strings = {"relu-tied", "gated-untied"})
    void lossGradientsAndThreeAdamWStepsMatchPyTorch(String arch) throws Exception {
        JsonNode fixture = Fixtures.json(Fixtures.fixture(arch + "-training.json"));
        JsonNode s = fixture.get("settings");
        T5Weights weights = ModelFolder.open(Fixtures.referenceModel(arch)).readWeights();
        TrainingSettings settings = new TrainingSettings(0, 1, 0,
                new AdamWSettings(s.get("adam_beta1").asDouble(), s.get("adam_beta2").asDouble(),
                        s.get("adam_epsilon").asDouble(), s.get("weight_decay").asDouble()),
                s.get("max_grad_norm").asDouble());
        LearningRateSchedule schedule = new LearningRateSchedule(LearningRateSchedule.Kind.LINEAR,
                s.get("learning_rate").asDouble(), s.get("warmup_steps").asLong(), s.get("total_steps").asLong());

        try (TrainingSession session = TrainingSession.create(weights, settings, Device.CPU, 0)) {
            for (int k = 0; k < s.get("steps").asInt(); k++) {
                double loss = session.trainStep(batch(fixture.get("batches").get(k)));
                JsonNode expected = fixture.get("steps").get(k);
                assertEquals(expected.get("loss").asDouble(), loss, 1e-5 * Math.abs(loss), arch + " loss at step " + k);
                if (k == 0) {
                    assertEquals(fixture.get("loss").asDouble(), loss, 1e-5 * Math.abs(loss), arch + " loss");
                    assertTensorsClose(Safetensors.read(Fixtures.fixture(arch + "-grads.safetensors")), session.gradients(), 1e-4,
                            arch + " gradient");
                }
                TrainingSession.OptimizerStep step = session.optimizerStep(schedule.rate(k));
                assertEquals(expected.get("learning_rate").asDouble(), step.learningRate(), 1e-12, arch + " rate at step " + k);
                assertEquals(expected.get("grad_norm").asDouble(), step.gradNorm(), 1e-4 * step.gradNorm(), arch + " grad norm at step " + k);
            }
            Map<String, FloatTensor> expected = Safetensors.read(Fixtures.fixture(arch + "-after-3-steps.safetensors"));
            assertTensorsClose(expected, session.weights().tensors(), 1e-5, arch + " parameters after 3 steps");
            assertUpdatesClose(weights.tensors(), expected, session.weights().tensors(), UPDATE_TOLERANCE,
                    arch + " parameter updates over 3 steps");
        }
    }

    /** transformers' LabelSmoother (epsilon 0.1) on the first batch: scripts/reference/label_smoothing_fixtures.py. */
    @ParameterizedTest
    @ValueSource(strings = {"relu-tied", "gated-untied"})
    void labelSmoothingMatchesTheTrainers(String arch) throws Exception {
        JsonNode fixture = Fixtures.json(Fixtures.fixture(arch + "-training.json"));
        JsonNode smoothing = Fixtures.json(Fixtures.fixture(arch + "-smoothing.json"));
        T5Weights weights = ModelFolder.open(Fixtures.referenceModel(arch)).readWeights();
        TrainingSettings settings = new TrainingSettings(0, 1, smoothing.get("label_smoothing").asDouble(),
                new AdamWSettings(0.9, 0.999, 1e-8, 0), 1.0);
        try (TrainingSession session = TrainingSession.create(weights, settings, Device.CPU, 0)) {
            double loss = session.trainStep(batch(fixture.get("batches").get(0)));
            double expected = smoothing.get("loss").asDouble();
            assertEquals(expected, loss, 1e-5 * Math.abs(expected), arch + " smoothed loss");
            assertTrue(Math.abs(loss - fixture.get("loss").asDouble()) > 1e-3, "smoothing changes the loss");
            assertTensorsClose(Safetensors.read(Fixtures.fixture(arch + "-smoothing-grads.safetensors")), session.gradients(), 1e-4,
                    arch + " smoothed gradient");
        }
    }

    static Batch batch(JsonNode b) {
        return new Batch(Fixtures.longMatrix(b.get("input_ids")), Fixtures.longMatrix(b.get("attention_mask")),
                Fixtures.longMatrix(b.get("labels")));
    }
}

package dev.summarizer.training.lora;

import static dev.summarizer.testing.Assertions.assertTensorsClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.summarizer.lora.AdapterFiles;
import dev.summarizer.lora.LoraAdapter;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.Safetensors;
import dev.summarizer.model.T5Weights;
import dev.summarizer.runtime.Device;
import dev.summarizer.testing.Fixtures;
import dev.summarizer.training.artifacts.AdamWSettings;
import dev.summarizer.training.session.Batch;
import dev.summarizer.training.session.TrainingSession;
import dev.summarizer.training.session.TrainingSettings;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The LoRA training model against PEFT + torch (scripts/reference/lora_fixtures.py): from the fixture's initial adapter,
 * the first micro-batch's loss and every adapter factor's gradient.
 */
class LoraParityTest {
    static final Path FIXTURES = Fixtures.fixture("lora");

    @ParameterizedTest
    @ValueSource(strings = {"relu-tied", "gated-untied"})
    void firstMicroBatchLossAndGradientsMatchPeft(String arch) throws Exception {
        JsonNode expected = Fixtures.json(FIXTURES.resolve(arch).resolve("expected.json"));
        T5Weights base = ModelFolder.open(Fixtures.referenceModel(arch)).readWeights();
        LoraAdapter adapter = AdapterFiles.read(FIXTURES.resolve(arch).resolve("initial_adapter"), base.layout());
        TrainingSettings settings = new TrainingSettings(0, 1, 0, new AdamWSettings(0.9, 0.999, 1e-8, 0.01), 1.0);
        JsonNode first = expected.get("first_batch");
        Batch batch = new Batch(Fixtures.longMatrix(first.get("input_ids")), Fixtures.longMatrix(first.get("attention_mask")),
                Fixtures.longMatrix(first.get("labels")));
        try (TrainingSession session = TrainingSession.start(LoraParameters.over(() -> base, adapter.config(), adapter.modules(), "base"),
                adapter.tensors(), settings, Device.CPU, 1)) {
            double loss = session.trainStep(batch);
            assertEquals(first.get("loss").asDouble(), loss, 1e-5 * loss, arch + " first loss");
            assertTensorsClose(Safetensors.read(FIXTURES.resolve(arch).resolve("first-batch-grads.safetensors")),
                    session.gradients(), 1e-4, arch + " gradient");
        }
    }
}

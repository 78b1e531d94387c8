package dev.summarizer.training.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.summarizer.lora.AdapterFiles;
import dev.summarizer.lora.LoraAdapter;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.T5Weights;
import dev.summarizer.runtime.Device;
import dev.summarizer.testing.Fixtures;
import dev.summarizer.training.artifacts.AdamWSettings;
import dev.summarizer.training.session.Batch;
import dev.summarizer.training.session.TrainingSession;
import dev.summarizer.training.session.TrainingSettings;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A LoRA session keeps no copy of the frozen weights between sessions (each ONNX Runtime session holds its own): it
 * reads them from their source when a session opens or the merged model is made, and keeps them only once the
 * evaluation decoders read them.
 */
class LoraParametersTest {
    @Test
    void theFrozenWeightsAreReadWhenNeededAndKeptOnlyForTheDecoders() throws Exception {
        T5Weights base = ModelFolder.open(Fixtures.referenceModel("relu-tied")).readWeights();
        LoraAdapter adapter = AdapterFiles.read(Fixtures.fixture("lora").resolve("relu-tied/initial_adapter"), base.layout());
        AtomicInteger reads = new AtomicInteger();
        Supplier<T5Weights> source = () -> {
            reads.incrementAndGet();
            return base;
        };
        JsonNode first = Fixtures.json(Fixtures.fixture("lora").resolve("relu-tied/expected.json")).get("first_batch");
        Batch batch = new Batch(Fixtures.longMatrix(first.get("input_ids")), Fixtures.longMatrix(first.get("attention_mask")),
                Fixtures.longMatrix(first.get("labels")));
        TrainingSettings settings = new TrainingSettings(0.1, 1, 0, new AdamWSettings(0.9, 0.999, 1e-8, 0.01), 1.0);
        try (TrainingSession session = TrainingSession.start(LoraParameters.over(source, adapter.config(), adapter.modules(), "base"),
                adapter.tensors(), settings, Device.CPU, 1)) {
            assertEquals(1, reads.get(), "read once for the training session");
            session.trainStep(batch);
            session.optimizerStep(1e-3);
            session.restartDropout();
            assertEquals(2, reads.get(), "the training session opens again at a checkpoint (dropout)");
            session.evalStep(batch);
            session.evalStep(batch);
            assertEquals(3, reads.get(), "the eval session opens once");
            session.weights();
            assertEquals(4, reads.get(), "the merged model");
            session.liveParameters();
            session.refreshLiveParameters();
            session.weights();
            session.restartDropout();
            assertEquals(5, reads.get(), "kept from the first call for live parameters on");
        }
    }
}

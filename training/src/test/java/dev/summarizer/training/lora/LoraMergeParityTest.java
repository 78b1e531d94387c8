package dev.summarizer.training.lora;

import static dev.summarizer.testing.Assertions.assertTensorsClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.summarizer.lora.AdapterFiles;
import dev.summarizer.lora.LoraAdapter;
import dev.summarizer.lora.LoraMerge;
import dev.summarizer.model.FloatTensor;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.Safetensors;
import dev.summarizer.model.T5Weights;
import dev.summarizer.testing.Cli;
import dev.summarizer.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** PEFT's final adapters merged here against PEFT's own merge_and_unload() of them (merged.safetensors). */
class LoraMergeParityTest {
    private static final Path LORA = Fixtures.fixture("lora");

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"relu-tied", "gated-untied"})
    void mergedWeightsAreMergeAndUnloads(String arch) {
        T5Weights base = ModelFolder.open(Fixtures.referenceModel(arch)).readWeights();
        LoraAdapter adapter = AdapterFiles.read(LORA.resolve(arch).resolve("final_adapter"), base.layout());
        T5Weights merged = LoraMerge.merged(base, adapter);
        Map<String, FloatTensor> expected = Safetensors.read(LORA.resolve(arch).resolve("merged.safetensors"));
        assertTensorsClose(expected, adapted(merged, expected), 1e-6, arch + " merged");
        for (String name : base.tensors().keySet()) {
            if (!expected.containsKey(name)) {
                assertArrayEquals(base.tensor(name).data(), merged.tensor(name).data(), name);
            }
        }
    }

    @Test
    void exportMergesAnAdapterIntoANewModelFolder() throws Exception {
        Path base = Fixtures.referenceModel("gated-untied");
        Path out = dir.resolve("merged");
        Cli.Result r = Cli.run("export", "--model", base.toString(), "--lora-adapter",
                LORA.resolve("gated-untied").resolve("final_adapter").toString(), "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        Map<String, FloatTensor> expected = Safetensors.read(LORA.resolve("gated-untied").resolve("merged.safetensors"));
        assertTensorsClose(expected, adapted(ModelFolder.open(out).readWeights(), expected), 1e-6, "exported");
        assertTrue(Files.exists(out.resolve("onnx/decoder_model_merged.onnx")));

        Cli.Result inPlace = Cli.run("export", "--model", base.toString(), "--lora-adapter",
                LORA.resolve("gated-untied").resolve("final_adapter").toString());
        assertEquals(2, inPlace.status());
        assertEquals("summarizer export: --lora-adapter needs an --out folder of its own: the merged model is a new folder",
                inPlace.err().strip());
        Cli.Result wrongBase = Cli.run("export", "--model", Fixtures.referenceModel("relu-tied").toString(), "--lora-adapter",
                LORA.resolve("gated-untied").resolve("final_adapter").toString(), "--out", dir.resolve("wrong").toString());
        assertEquals(1, wrongBase.status());
        assertTrue(wrongBase.err().strip().startsWith("summarizer export: " + LORA.resolve("gated-untied").resolve("final_adapter")
                .resolve(AdapterFiles.WEIGHTS) + ": tensor base_model.model."), wrongBase.err());
        assertTrue(Files.notExists(dir.resolve("wrong")), "nothing half-written");
    }

    private static Map<String, FloatTensor> adapted(T5Weights merged, Map<String, FloatTensor> expected) {
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        expected.keySet().forEach(name -> out.put(name, merged.tensor(name)));
        return out;
    }
}

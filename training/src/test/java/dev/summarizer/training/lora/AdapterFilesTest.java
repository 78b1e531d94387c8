package dev.summarizer.training.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.summarizer.Json;
import dev.summarizer.lora.AdapterFiles;
import dev.summarizer.lora.LoraAdapter;
import dev.summarizer.model.FloatTensor;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.ModelFormatException;
import dev.summarizer.model.Safetensors;
import dev.summarizer.model.T5ParameterLayout;
import dev.summarizer.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** PEFT's adapter folders (scripts/reference/lora_fixtures.py wrote them with PeftModel.save_pretrained), read and written. */
class AdapterFilesTest {
    private static final Path LORA = Fixtures.fixture("lora");

    @TempDir
    Path dir;

    private static T5ParameterLayout layout(String arch) {
        return ModelFolder.open(Fixtures.referenceModel(arch)).readWeights().layout();
    }

    @ParameterizedTest
    @ValueSource(strings = {"relu-tied", "gated-untied"})
    void whatPeftWroteIsReadAndWrittenBackByteForByte(String arch) throws Exception {
        Path peft = LORA.resolve(arch).resolve("final_adapter");
        LoraAdapter adapter = AdapterFiles.read(peft, layout(arch));
        assertEquals(4, adapter.config().r());
        assertEquals(8.0, adapter.config().alpha());
        // relu-tied: q and v of 2 encoder and 2 + 2 decoder attentions; gated-untied: every linear layer of 2 encoder
        // blocks (7 each) and 3 decoder blocks (11 each).
        assertEquals(arch.equals("relu-tied") ? 2 * 2 + 2 * 4 : 2 * 7 + 3 * 11, adapter.modules().size());
        Path written = dir.resolve("adapter");
        AdapterFiles.writeFolder(written, adapter, "models/src/test/resources/fixtures/" + arch);
        assertEquals(Files.readString(peft.resolve(AdapterFiles.CONFIG)), Files.readString(written.resolve(AdapterFiles.CONFIG)));
        assertArrayEquals(Files.readAllBytes(peft.resolve(AdapterFiles.WEIGHTS)), Files.readAllBytes(written.resolve(AdapterFiles.WEIGHTS)));
    }

    @Test
    void anAdapterThatDoesNotFitTheModelIsReportedByItsTensor() throws Exception {
        Path peft = LORA.resolve("relu-tied").resolve("initial_adapter");
        // The relu-tied adapter (d_model 32) on the gated reference model (d_model 48, 3 heads of 20).
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> AdapterFiles.read(peft, layout("gated-untied")));
        assertEquals(peft.resolve(AdapterFiles.WEIGHTS) + ": tensor base_model.model.encoder.block.0.layer.0.SelfAttention.q.lora_A.weight"
                + " has shape [4, 32] but the model's encoder.block.0.layer.0.SelfAttention.q.weight [60, 48] at r 4 needs [4, 48]",
                e.getMessage());
    }

    @Test
    void aMisShapedFactorIsNamed() throws Exception {
        Path copy = copyOf("relu-tied", "initial_adapter");
        Map<String, FloatTensor> tensors = new LinkedHashMap<>(Safetensors.read(copy.resolve(AdapterFiles.WEIGHTS)));
        String key = "base_model.model.encoder.block.1.layer.0.SelfAttention.v.lora_B.weight";
        tensors.put(key, FloatTensor.zeros(32, 5));
        Safetensors.write(copy.resolve(AdapterFiles.WEIGHTS), tensors);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> AdapterFiles.read(copy, layout("relu-tied")));
        assertEquals(copy.resolve(AdapterFiles.WEIGHTS) + ": tensor " + key + " has shape [32, 5] but the model's "
                + "encoder.block.1.layer.0.SelfAttention.v.weight [32, 32] at r 4 needs [32, 4]", e.getMessage());
    }

    @Test
    void otherPeftTypesAndOptionsAreRefusedByTheirField() throws Exception {
        Path copy = copyOf("relu-tied", "initial_adapter");
        Path config = copy.resolve(AdapterFiles.CONFIG);
        String original = Files.readString(config);
        for (var c : List.of(
                new String[] {"peft_type", "\"IA3\"", ": peft_type is \"IA3\", not \"LORA\" (only LoRA adapters are supported)"},
                new String[] {"use_dora", "true", ": use_dora is true; DoRA adapters are not supported"},
                new String[] {"use_rslora", "true", ": use_rslora is true; rsLoRA scaling (alpha / sqrt(r)) is not supported"},
                new String[] {"bias", "\"all\"", ": bias is \"all\"; only bias \"none\" is supported"},
                new String[] {"modules_to_save", "[\"lm_head\"]", ": modules_to_save is set ([\"lm_head\"]); it is not supported"},
                new String[] {"r", "0", ": r must be an integer of at least 1, got 0"})) {
            ObjectNode json = (ObjectNode) Json.MAPPER.readTree(original);
            json.set(c[0], Json.MAPPER.readTree(c[1]));
            Files.writeString(config, json.toString());
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> AdapterFiles.read(copy, layout("relu-tied")), c[0]);
            assertEquals(config + c[2], e.getMessage());
        }
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertEquals(empty + ": not a PEFT adapter folder (no adapter_config.json)",
                assertThrows(ModelFormatException.class, () -> AdapterFiles.read(empty, layout("relu-tied"))).getMessage());
        assertFalse(AdapterFiles.isAdapterFolder(Fixtures.referenceModel("relu-tied")));
    }

    private Path copyOf(String arch, String adapter) throws Exception {
        Path copy = Files.createDirectories(dir.resolve(arch + "-" + adapter));
        for (String f : List.of(AdapterFiles.CONFIG, AdapterFiles.WEIGHTS)) {
            Files.copy(LORA.resolve(arch).resolve(adapter).resolve(f), copy.resolve(f));
        }
        return copy;
    }
}

package dev.summarizer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.summarizer.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class T5ConfigTest {

    @Test
    void readsTheT5SmallConfigOfThePublicCheckpoint() {
        T5Config c = Presets.config("t5-small");
        assertEquals(512, c.dModel());
        assertEquals(64, c.dKv());
        assertEquals(2048, c.dFf());
        assertEquals(6, c.numLayers());
        assertEquals(6, c.numDecoderLayers());
        assertEquals(8, c.numHeads());
        assertEquals(32, c.relativeAttentionNumBuckets());
        assertEquals(128, c.relativeAttentionMaxDistance());
        assertEquals(FeedForwardActivation.RELU, c.activation());
        assertFalse(c.gatedActivation());
        assertTrue(c.tieWordEmbeddings());
        assertTrue(c.scaleDecoderOutputs(), "original T5 rescales decoder outputs before its tied lm_head");
        assertEquals(32128, c.vocabSize());
        assertEquals(1e-6, c.layerNormEpsilon());
        assertEquals(0, c.padTokenId());
        assertEquals(1, c.eosTokenId());
        assertEquals(0, c.decoderStartTokenId());
    }

    @Test
    void flanT5UsesGatedGeluNewAndDKvUnlikeDModelOverHeads() {
        T5Config c = Presets.config("flan-t5-small");
        assertEquals(FeedForwardActivation.GELU_NEW, c.activation());
        assertTrue(c.gatedActivation());
        assertEquals(64, c.dKv());
        assertEquals(384, c.innerDim(), "6 heads of 64, not d_model 512");
        assertEquals(8, c.numDecoderLayers());
        assertFalse(c.tieWordEmbeddings());
        assertFalse(c.scaleDecoderOutputs());
    }

    /** google/flan-t5-base's shape; its model card counts 248M parameters (247,577,856 in its safetensors file). */
    @Test
    void flanT5BaseIsWhatTheDialogSumRecipeFineTunes() {
        T5Config c = Presets.config("flan-t5-base");
        assertEquals(768, c.dModel());
        assertEquals(12, c.numLayers());
        assertEquals(12, c.numDecoderLayers());
        assertEquals(12, c.numHeads());
        assertEquals(64, c.dKv());
        assertEquals(2048, c.dFf());
        assertEquals(FeedForwardActivation.GELU_NEW, c.activation());
        assertTrue(c.gatedActivation());
        assertFalse(c.tieWordEmbeddings());
        assertEquals(32128, c.vocabSize());
        assertEquals(247_577_856L, new T5ParameterLayout(c).parameterCount());
    }

    @Test
    void transformers5ConfigsStateTheScalingExplicitly() {
        // ref-gated-untied: tie_word_embeddings true (always, in transformers 5) but scale_decoder_outputs false.
        T5Config c = T5Config.read(Fixtures.shared("reference/ref-gated-untied/config.json"));
        assertTrue(c.tieWordEmbeddings());
        assertFalse(c.scaleDecoderOutputs());
        assertEquals(20, c.dKv());
        assertEquals(3, c.numDecoderLayers());
    }

    @Test
    void numDecoderLayersDefaultsToNumLayers() {
        T5Config c = T5Config.parse("""
                {"model_type": "t5", "d_model": 8, "d_kv": 4, "d_ff": 16, "num_layers": 3, "num_heads": 2, "vocab_size": 10}
                """, "config.json");
        assertEquals(3, c.numDecoderLayers());
        assertTrue(c.scaleDecoderOutputs());
    }

    @Test
    void gatedSiluIsGatedWithSilu() {
        T5Config c = T5Config.parse("""
                {"model_type": "t5", "d_model": 8, "d_kv": 4, "d_ff": 16, "num_layers": 1, "num_heads": 2,
                 "vocab_size": 10, "feed_forward_proj": "gated-silu"}
                """, "config.json");
        assertEquals(FeedForwardActivation.SILU, c.activation());
        assertTrue(c.gatedActivation());
    }

    @Test
    void errorsNameTheFileAndTheField(@TempDir Path dir) throws Exception {
        assertMessage("config.json: missing field model_type (expected \"t5\")", "{\"d_model\": 8}");
        assertMessage("config.json: model_type \"bart\" is not supported (this project runs T5-family models: t5, mt5)",
                "{\"model_type\": \"bart\"}");
        assertMessage("config.json: missing field d_model", "{\"model_type\": \"t5\"}");
        assertMessage("config.json: field d_model must be a positive integer, got \"512\"",
                "{\"model_type\": \"t5\", \"d_model\": \"512\"}");
        assertMessage("config.json: not valid JSON (line 1, column 22)", "{\"model_type\": \"t5\", ]");
        assertMessage("config.json: feed_forward_proj \"gated-swiglu\" uses activation \"swiglu\", which is not supported (relu, gelu, gelu_new, silu)",
                base() + ", \"feed_forward_proj\": \"gated-swiglu\"}");
        assertMessage("config.json: field eos_token_id must be a token id in [0, 10), got 12",
                base() + ", \"eos_token_id\": 12}");

        Path missing = dir.resolve("config.json");
        var e = assertThrows(ModelFormatException.class, () -> T5Config.read(missing));
        assertEquals(missing + ": file not found", e.getMessage());
        Files.writeString(missing, "[]");
        e = assertThrows(ModelFormatException.class, () -> T5Config.read(missing));
        assertEquals(missing + ": expected a JSON object", e.getMessage());
    }

    private static String base() {
        return "{\"model_type\": \"t5\", \"d_model\": 8, \"d_kv\": 4, \"d_ff\": 16, \"num_layers\": 1, \"num_heads\": 2, \"vocab_size\": 10";
    }

    private static void assertMessage(String expected, String json) {
        var e = assertThrows(ModelFormatException.class, () -> T5Config.parse(json, "config.json"));
        assertEquals(expected, e.getMessage());
    }
}

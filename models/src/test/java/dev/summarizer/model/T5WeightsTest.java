package dev.summarizer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.summarizer.testing.Fixtures;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class T5WeightsTest {
    private static final Path RELU = Fixtures.fixture("relu-tied");

    private static Map<String, FloatTensor> reluTensors() {
        return new LinkedHashMap<>(Safetensors.read(RELU.resolve("model.safetensors")));
    }

    private static T5Config reluConfig() {
        return T5Config.read(RELU.resolve("config.json"));
    }

    @Test
    void loadsTorchWeightsWithHuggingFaceNames() {
        T5Weights w = ModelFolder.open(RELU).readWeights();
        assertFalse(w.layout().hasSeparateLmHead());
        assertArrayEquals(new long[] {384, 32}, w.tensor("shared.weight").shape());
        assertArrayEquals(new long[] {32, 4}, w.tensor("encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight").shape());
        assertEquals(new T5ParameterLayout(reluConfig()).parameterCount(),
                w.tensors().values().stream().mapToLong(FloatTensor::size).sum());
    }

    @Test
    void untiedModelsKeepTheirLmHead() {
        T5Weights w = ModelFolder.open(Fixtures.fixture("gated-untied")).readWeights();
        assertTrue(w.layout().hasSeparateLmHead());
        assertArrayEquals(new long[] {80, 48}, w.tensor("decoder.block.2.layer.2.DenseReluDense.wi_1.weight").shape());
        assertArrayEquals(new long[] {60, 48}, w.tensor("decoder.block.2.layer.1.EncDecAttention.q.weight").shape());
    }

    @Test
    void acceptsTiedEmbeddingAliases(@TempDir Path dir) throws Exception {
        Map<String, FloatTensor> tensors = reluTensors();
        FloatTensor shared = tensors.remove("shared.weight");
        tensors.put("encoder.embed_tokens.weight", shared);
        tensors.put("decoder.embed_tokens.weight", shared);
        tensors.put("lm_head.weight", shared);
        Path file = dir.resolve("aliases.safetensors");
        Safetensors.write(file, tensors);
        T5Weights w = T5Weights.read(file, reluConfig());
        assertArrayEquals(shared.data(), w.tensor("shared.weight").data());
        assertFalse(w.layout().hasSeparateLmHead(), "an lm_head equal to the embedding is the tied one");
    }

    @Test
    void anLmHeadThatDiffersIsUntiedEvenWhenTheConfigSaysTied(@TempDir Path dir) throws Exception {
        // transformers 5 always writes tie_word_embeddings true, and leaves distinct lm_heads untied.
        Map<String, FloatTensor> tensors = reluTensors();
        FloatTensor shared = tensors.get("shared.weight");
        float[] head = shared.data().clone();
        head[0] += 1;
        tensors.put("lm_head.weight", new FloatTensor(shared.shape(), head));
        Path file = dir.resolve("untied.safetensors");
        Safetensors.write(file, tensors);
        T5Weights w = T5Weights.read(file, reluConfig());
        assertTrue(w.layout().hasSeparateLmHead());
        assertEquals(head[0], w.tensor("lm_head.weight").data()[0]);
    }

    @Test
    void namesAMissingExtraOrMisShapedTensor(@TempDir Path dir) throws Exception {
        Map<String, FloatTensor> missing = reluTensors();
        missing.remove("decoder.block.1.layer.2.DenseReluDense.wo.weight");
        assertError(dir, missing, ": missing tensor decoder.block.1.layer.2.DenseReluDense.wo.weight of shape [32, 64]");

        Map<String, FloatTensor> extra = reluTensors();
        extra.put("encoder.block.7.layer.0.SelfAttention.q.weight", FloatTensor.zeros(32, 32));
        assertError(dir, extra, ": unexpected tensor encoder.block.7.layer.0.SelfAttention.q.weight "
                + "(not part of the T5 architecture config.json describes)");

        Map<String, FloatTensor> misShaped = reluTensors();
        misShaped.put("encoder.block.0.layer.0.SelfAttention.k.weight", FloatTensor.zeros(32, 16));
        assertError(dir, misShaped, ": tensor encoder.block.0.layer.0.SelfAttention.k.weight has shape [32, 16] "
                + "but config.json implies [32, 32]");

        Map<String, FloatTensor> noEmbedding = reluTensors();
        noEmbedding.remove("shared.weight");
        assertError(dir, noEmbedding, ": missing tensor shared.weight of shape [384, 32]");
    }

    @Test
    void untiedConfigNeedsAnLmHead(@TempDir Path dir) throws Exception {
        Path gated = Fixtures.fixture("gated-untied");
        Map<String, FloatTensor> tensors = new LinkedHashMap<>(Safetensors.read(gated.resolve("model.safetensors")));
        tensors.remove("lm_head.weight");
        Path file = dir.resolve("model.safetensors");
        Safetensors.write(file, tensors);
        var e = assertThrows(ModelFormatException.class, () -> T5Weights.read(file, T5Config.read(gated.resolve("config.json"))));
        assertEquals(file + ": missing tensor lm_head.weight of shape [384, 48]", e.getMessage());
    }

    @Test
    void ignoresTheUnusedCrossAttentionBiasOfOriginalCheckpoints(@TempDir Path dir) throws Exception {
        Map<String, FloatTensor> tensors = reluTensors();
        tensors.put("decoder.block.0.layer.1.EncDecAttention.relative_attention_bias.weight", FloatTensor.zeros(32, 4));
        Path file = dir.resolve("model.safetensors");
        Safetensors.write(file, tensors);
        T5Weights w = T5Weights.read(file, reluConfig());
        assertFalse(w.tensors().containsKey("decoder.block.0.layer.1.EncDecAttention.relative_attention_bias.weight"));
    }

    @Test
    void writesCanonicalNamesAndReadsThemBack(@TempDir Path dir) throws Exception {
        T5Weights w = ModelFolder.open(Fixtures.fixture("gated-untied")).readWeights();
        Path file = dir.resolve("model.safetensors");
        w.write(file);
        T5Weights back = T5Weights.read(file, w.config());
        assertEquals(w.tensors().keySet(), back.tensors().keySet());
        for (String name : w.tensors().keySet()) {
            assertArrayEquals(w.tensor(name).data(), back.tensor(name).data(), name);
        }
        assertSame(w.config(), back.config());
    }

    private static void assertError(Path dir, Map<String, FloatTensor> tensors, String suffix) throws Exception {
        Path file = dir.resolve("model.safetensors");
        Safetensors.write(file, tensors);
        var e = assertThrows(ModelFormatException.class, () -> T5Weights.read(file, reluConfig()));
        assertEquals(file + suffix, e.getMessage());
    }
}

package dev.summarizer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.summarizer.testing.Fixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Initialisation against transformers': init_statistics.json holds the mean and standard deviation that
 * T5PreTrainedModel._init_weights gave every parameter of two configurations (initializer_factor 1 and 0.5,
 * tied and untied). Both are samples, so they agree to a few percent, not exactly.
 */
class T5InitializerTest {

    @Test
    void matchesTransformersInitialisationStatistics() {
        JsonNode fixture = Fixtures.json(Fixtures.fixture("init_statistics.json"));
        List<String> checked = new ArrayList<>();
        fixture.fields().forEachRemaining(entry -> {
            JsonNode config = entry.getValue().get("config");
            T5Config c = T5Config.parse(config.toString(), entry.getKey());
            T5Weights w = T5Initializer.initialize(c, 7);
            JsonNode params = entry.getValue().get("parameters");
            assertEquals(params.size(), w.tensors().size(), entry.getKey() + ": parameter count");
            params.fields().forEachRemaining(p -> {
                FloatTensor t = w.tensor(p.getKey());
                assertArrayEquals(Fixtures.longs(p.getValue().get("shape")), t.shape(), p.getKey());
                double[] stats = meanAndStd(t.data());
                double refStd = p.getValue().get("std").asDouble();
                String what = entry.getKey() + " " + p.getKey();
                if (refStd == 0) { // layer norms: constant initializer_factor
                    assertEquals(p.getValue().get("mean").asDouble(), stats[0], 1e-7, what);
                    assertEquals(0, stats[1], 1e-7, what);
                } else {
                    // Two independent samples of n values: std agrees to ~ sqrt(2/n), mean to ~ std*sqrt(2/n).
                    double n = t.size();
                    assertEquals(refStd, stats[1], refStd * 6 * Math.sqrt(2 / n) + 1e-9, what + " std");
                    assertEquals(p.getValue().get("mean").asDouble(), stats[0], refStd * 6 * Math.sqrt(2 / n), what + " mean");
                }
                checked.add(what);
            });
        });
        assertTrue(checked.size() > 60);
    }

    @Test
    void theSameSeedGivesTheSameWeightsAndAnotherDoesNot() {
        T5Config c = Presets.config("tiny");
        float[] a = T5Initializer.initialize(c, 1).tensor("encoder.block.1.layer.1.DenseReluDense.wo.weight").data();
        float[] b = T5Initializer.initialize(c, 1).tensor("encoder.block.1.layer.1.DenseReluDense.wo.weight").data();
        float[] other = T5Initializer.initialize(c, 2).tensor("encoder.block.1.layer.1.DenseReluDense.wo.weight").data();
        assertArrayEquals(a, b);
        assertTrue(a[0] != other[0] || a[1] != other[1]);
    }

    @Test
    void presetsWithTheirOwnLmHeadGetOne() {
        ObjectNode json = Presets.config("flan-t5-small").json();
        assertEquals(false, json.get("tie_word_embeddings").asBoolean());
        T5Config small = T5Config.parse(json.deepCopy().put("num_layers", 1).put("num_decoder_layers", 1).toString(), "test");
        assertTrue(T5Initializer.initialize(small, 1).layout().hasSeparateLmHead());
    }

    private static double[] meanAndStd(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += x;
        }
        double mean = sum / v.length;
        double sq = 0;
        for (float x : v) {
            sq += (x - mean) * (x - mean);
        }
        return new double[] {mean, Math.sqrt(sq / (v.length - 1))};
    }
}

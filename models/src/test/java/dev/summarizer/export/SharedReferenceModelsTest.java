package dev.summarizer.export;

import static dev.summarizer.testing.Assertions.assertAllClose;
import static dev.summarizer.testing.Fixtures.floats;
import static dev.summarizer.testing.Fixtures.longMatrix;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.T5Weights;
import dev.summarizer.testing.Fixtures;
import dev.summarizer.testing.OrtRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The two reference folders in ../shared (saved by transformers 5.18 with the real 32,128-token vocabulary)
 * against what transformers computed for them: encoder output, logit summaries and argmax.
 */
class SharedReferenceModelsTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"ref-relu-tied", "ref-gated-untied"})
    void encoderAndLogitsMatchTransformers(String name) throws Exception {
        Path folder = Fixtures.shared("reference/" + name);
        JsonNode ref = Fixtures.json(Fixtures.shared("reference/" + name + ".json"));
        T5Weights weights = ModelFolder.open(folder).readWeights();
        OnnxExport.writeOnnxFiles(weights, Files.createDirectories(dir.resolve("onnx")), line -> {});
        JsonNode inputs = ref.get("inputs");
        long[][] mask = longMatrix(inputs.get("attention_mask"));

        float[] hidden;
        try (var encoder = new OrtRunner(dir.resolve("onnx").resolve(OptimumLayout.ENCODER_FILE))) {
            hidden = encoder.longs("input_ids", longMatrix(inputs.get("input_ids"))).longs("attention_mask", mask)
                    .run().get("last_hidden_state").values();
        }
        assertAllClose(floats(ref.get("encoder_last_hidden_state")), hidden, 1e-4, name + " encoder");

        try (var decoder = new OrtRunner(dir.resolve("onnx").resolve(OptimumLayout.DECODER_FILE))) {
            var logits = decoder.longs("input_ids", longMatrix(inputs.get("decoder_input_ids")))
                    .longs("encoder_attention_mask", mask)
                    .floats("encoder_hidden_states", hidden, mask.length, mask[0].length, weights.config().dModel())
                    .run().get("logits");
            assertArrayEquals(Fixtures.longs(ref.get("logits_shape")), logits.shape());
            float[] v = logits.values();
            float[] first = floats(ref.get("logits_first_and_last_64").get("first"));
            float[] last = floats(ref.get("logits_first_and_last_64").get("last"));
            assertAllClose(first, java.util.Arrays.copyOfRange(v, 0, first.length), 1e-4, name + " first logits");
            assertAllClose(last, java.util.Arrays.copyOfRange(v, v.length - last.length, v.length), 1e-4, name + " last logits");
            double sum = 0;
            double absSum = 0;
            for (float x : v) {
                sum += x;
                absSum += Math.abs(x);
            }
            assertEquals(ref.get("logits_abs_sum").asDouble(), absSum, 1e-5 * absSum, name + " sum |logits|");
            assertEquals(ref.get("logits_sum").asDouble(), sum, 1e-5 * absSum, name + " sum logits");
            long[][] argmax = longMatrix(ref.get("argmax"));
            int vocab = weights.config().vocabSize();
            for (int b = 0; b < argmax.length; b++) {
                for (int t = 0; t < argmax[b].length; t++) {
                    int base = (b * argmax[b].length + t) * vocab;
                    int best = 0;
                    for (int k = 1; k < vocab; k++) {
                        if (v[base + k] > v[base + best]) {
                            best = k;
                        }
                    }
                    assertEquals(argmax[b][t], best, name + " argmax at " + b + "," + t);
                }
            }
        }
    }
}

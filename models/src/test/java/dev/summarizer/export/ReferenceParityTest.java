package dev.summarizer.export;

import static dev.summarizer.testing.Assertions.assertAllClose;
import static dev.summarizer.testing.Fixtures.floats;
import static dev.summarizer.testing.Fixtures.longMatrix;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.T5Config;
import dev.summarizer.model.T5Weights;
import dev.summarizer.testing.Fixtures;
import dev.summarizer.testing.OrtRunner;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The four exported ONNX files against what transformers computes for the same weights and inputs
 * (fixtures from scripts/reference/model_fixtures.py): the encoder output, first-step logits and every
 * present key/value, and a cached second step, to 1e-4 absolute in float32.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReferenceParityTest {
    private static final double TOLERANCE = 1e-4;

    @TempDir
    static Path exports;

    @BeforeAll
    void export() throws Exception {
        for (String arch : new String[] {"relu-tied", "gated-untied"}) {
            T5Weights weights = ModelFolder.open(Fixtures.fixture(arch)).readWeights();
            Path dir = java.nio.file.Files.createDirectories(exports.resolve(arch));
            OnnxExport.writeOnnxFiles(weights, dir, line -> {});
        }
    }

    private static JsonNode reference(String arch) {
        return Fixtures.json(Fixtures.fixture(arch + ".json"));
    }

    private static T5Config config(String arch) {
        return ModelFolder.open(Fixtures.fixture(arch)).readConfig();
    }

    @ParameterizedTest
    @ValueSource(strings = {"relu-tied", "gated-untied"})
    void encoderMatchesTransformers(String arch) throws Exception {
        JsonNode ref = reference(arch);
        try (var encoder = new OrtRunner(exports.resolve(arch).resolve(OptimumLayout.ENCODER_FILE))) {
            var out = encoder.longs("input_ids", longMatrix(ref.get("input_ids")))
                    .longs("attention_mask", longMatrix(ref.get("attention_mask")))
                    .run().get("last_hidden_state");
            assertAllClose(floats(ref.get("encoder_last_hidden_state")), out.values(), TOLERANCE, arch + " encoder");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"relu-tied", "gated-untied"})
    void decoderMatchesTransformers(String arch) throws Exception {
        JsonNode ref = reference(arch);
        try (var decoder = new OrtRunner(exports.resolve(arch).resolve(OptimumLayout.DECODER_FILE))) {
            Map<String, OrtRunner.Output> out = firstStepInputs(decoder, ref, arch).run();
            assertFirstStep(ref, out, arch + " decoder_model");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"relu-tied", "gated-untied"})
    void decoderWithPastMatchesTransformers(String arch) throws Exception {
        JsonNode ref = reference(arch);
        try (var decoder = new OrtRunner(exports.resolve(arch).resolve(OptimumLayout.DECODER_WITH_PAST_FILE))) {
            Map<String, OrtRunner.Output> out = cachedStepInputs(decoder, ref, arch).run();
            assertCachedStep(ref, out, arch + " decoder_with_past_model");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"relu-tied", "gated-untied"})
    void mergedDecoderMatchesTransformersInBothBranches(String arch) throws Exception {
        JsonNode ref = reference(arch);
        T5Config c = config(arch);
        try (var merged = new OrtRunner(exports.resolve(arch).resolve(OptimumLayout.DECODER_MERGED_FILE))) {
            // First step, as transformers.js runs it: empty caches and use_cache_branch false.
            firstStepInputs(merged, ref, arch).bool("use_cache_branch", false);
            for (int i = 0; i < c.numDecoderLayers(); i++) {
                for (boolean cross : new boolean[] {false, true}) {
                    for (boolean value : new boolean[] {false, true}) {
                        merged.floats(OptimumLayout.pastName(i, cross, value), new float[0], 2, c.numHeads(), 0, c.dKv());
                    }
                }
            }
            assertFirstStep(ref, merged.run(), arch + " merged, no cache");

            cachedStepInputs(merged, ref, arch).bool("use_cache_branch", true);
            Map<String, OrtRunner.Output> out = merged.run();
            assertCachedStep(ref, out, arch + " merged, cache");
            // Optimum's merged decoder returns empty cross-attention caches from the cache branch.
            assertArrayEquals(new long[] {0, c.numHeads(), 1, c.dKv()}, out.get("present.0.encoder.key").shape());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"relu-tied", "gated-untied"})
    void cachedDecodersAgreeWithTheFullDecoderOverTheWholePrefix(String arch) throws Exception {
        JsonNode ref = reference(arch);
        long[][] prefix = longMatrix(ref.get("decoder_input_ids"));
        long[][] next = longMatrix(ref.get("next_decoder_input_ids"));
        long[][] whole = new long[prefix.length][];
        for (int b = 0; b < prefix.length; b++) {
            whole[b] = java.util.Arrays.copyOf(prefix[b], prefix[b].length + 1);
            whole[b][prefix[b].length] = next[b][0];
        }
        int vocab = config(arch).vocabSize();
        float[] lastPositions = new float[prefix.length * vocab];
        try (var full = new OrtRunner(exports.resolve(arch).resolve(OptimumLayout.DECODER_FILE))) {
            float[] logits = firstStepInputs(full, ref, arch).longs("input_ids", whole).run().get("logits").values();
            for (int b = 0; b < prefix.length; b++) {
                System.arraycopy(logits, (b * whole[b].length + whole[b].length - 1) * vocab, lastPositions, b * vocab, vocab);
            }
        }
        try (var withPast = new OrtRunner(exports.resolve(arch).resolve(OptimumLayout.DECODER_WITH_PAST_FILE));
                var merged = new OrtRunner(exports.resolve(arch).resolve(OptimumLayout.DECODER_MERGED_FILE))) {
            assertAllClose(lastPositions, cachedStepInputs(withPast, ref, arch).run().get("logits").values(), TOLERANCE,
                    arch + " decoder_with_past vs the whole prefix");
            assertAllClose(lastPositions, cachedStepInputs(merged, ref, arch).bool("use_cache_branch", true).run()
                    .get("logits").values(), TOLERANCE, arch + " merged vs the whole prefix");
        }
    }

    private static OrtRunner firstStepInputs(OrtRunner runner, JsonNode ref, String arch) throws Exception {
        T5Config c = config(arch);
        long[][] mask = longMatrix(ref.get("attention_mask"));
        return runner.longs("input_ids", longMatrix(ref.get("decoder_input_ids")))
                .longs("encoder_attention_mask", mask)
                .floats("encoder_hidden_states", floats(ref.get("encoder_last_hidden_state")), mask.length,
                        mask[0].length, c.dModel());
    }

    private static OrtRunner cachedStepInputs(OrtRunner runner, JsonNode ref, String arch) throws Exception {
        T5Config c = config(arch);
        firstStepInputs(runner, ref, arch).longs("input_ids", longMatrix(ref.get("next_decoder_input_ids")));
        long batch = ref.get("input_ids").size();
        long encoderLength = ref.get("input_ids").get(0).size();
        long decoderLength = ref.get("decoder_input_ids").get(0).size();
        for (int i = 0; i < c.numDecoderLayers(); i++) {
            for (boolean cross : new boolean[] {false, true}) {
                for (boolean value : new boolean[] {false, true}) {
                    float[] data = floats(ref.get("present").get(OptimumLayout.presentName(i, cross, value)));
                    runner.floats(OptimumLayout.pastName(i, cross, value), data, batch, c.numHeads(),
                            cross ? encoderLength : decoderLength, c.dKv());
                }
            }
        }
        return runner;
    }

    private static void assertFirstStep(JsonNode ref, Map<String, OrtRunner.Output> out, String what) {
        assertAllClose(floats(ref.get("logits")), out.get("logits").values(), TOLERANCE, what + " logits");
        ref.get("present").fields().forEachRemaining(e -> assertAllClose(floats(e.getValue()),
                out.get(e.getKey()).values(), TOLERANCE, what + " " + e.getKey()));
    }

    private static void assertCachedStep(JsonNode ref, Map<String, OrtRunner.Output> out, String what) {
        assertAllClose(floats(ref.get("next_logits")), out.get("logits").values(), TOLERANCE, what + " logits");
        ref.get("next_present").fields().forEachRemaining(e -> assertAllClose(floats(e.getValue()),
                out.get(e.getKey()).values(), TOLERANCE, what + " " + e.getKey()));
    }
}

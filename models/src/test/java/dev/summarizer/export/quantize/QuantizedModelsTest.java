package dev.summarizer.export.quantize;

import static dev.summarizer.testing.Fixtures.floats;
import static dev.summarizer.testing.Fixtures.longMatrix;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.fasterxml.jackson.databind.JsonNode;
import dev.summarizer.export.OptimumLayout;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.T5Config;
import dev.summarizer.model.T5Weights;
import dev.summarizer.testing.Fixtures;
import dev.summarizer.testing.OrtRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.bytedeco.onnx.global.onnx;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The four files quantized to 8 and 4 bits, for both reference architectures (tied ReLU, untied gated-GELU):
 * every linear layer and the lm_head is a MatMulNBits and no MatMul reads a weight any more, the files pass the
 * ONNX checker, and ONNX Runtime's logits stay near transformers' float32 ones (scripts/reference fixtures),
 * running the quantized encoder into the quantized decoders.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuantizedModelsTest {
    private static final List<String> FILES = List.of(OptimumLayout.ENCODER_FILE, OptimumLayout.DECODER_FILE,
            OptimumLayout.DECODER_WITH_PAST_FILE, OptimumLayout.DECODER_MERGED_FILE);

    /**
     * Bounds on ||logits - float32 logits|| / ||float32 logits||, about twice what these fixtures show: q8 at most
     * 0.026, q4 0.24. (Random weights at initializer_factor 1 are harder on 4 bits than trained ones. accuracy_level
     * 4 quantizes the activations to int8 as well, which adds to q8's error: gated-untied's max |difference| is
     * 0.37 with float32 activations, 0.70 with int8 ones.)
     */
    private static final Map<String, Double> RELATIVE_BOUND = Map.of("q8", 0.05, "q4", 0.4);

    @TempDir
    static Path exports;

    @BeforeAll
    void export() throws Exception {
        for (String arch : new String[] {"relu-tied", "gated-untied"}) {
            T5Weights weights = ModelFolder.open(Fixtures.fixture(arch)).readWeights();
            Path dir = Files.createDirectories(exports.resolve(arch));
            QuantizedOnnxFiles.write(weights, dir, QuantizationSpec.Q8, line -> {});
            QuantizedOnnxFiles.write(weights, dir, QuantizationSpec.Q4, line -> {});
        }
    }

    private static Path file(String arch, String dtype, String floatFile) {
        return exports.resolve(arch).resolve(QuantizationSpec.named(dtype).fileName(floatFile));
    }

    private static T5Config config(String arch) {
        return ModelFolder.open(Fixtures.fixture(arch)).readConfig();
    }

    /** MatMulNBits nodes a file must have: q, k, v, o of each attention, the FFN's two or three, the lm_head. */
    private static int expectedLinearLayers(T5Config c, String floatFile) {
        int ffn = c.gatedActivation() ? 3 : 2;
        int encoder = c.numLayers() * (4 + ffn);
        int firstStep = c.numDecoderLayers() * (8 + ffn) + 1;
        int cachedStep = c.numDecoderLayers() * (6 + ffn) + 1; // cross-attention keys and values come cached
        return switch (floatFile) {
            case OptimumLayout.ENCODER_FILE -> encoder;
            case OptimumLayout.DECODER_FILE -> firstStep;
            case OptimumLayout.DECODER_WITH_PAST_FILE -> cachedStep;
            case OptimumLayout.DECODER_MERGED_FILE -> firstStep + cachedStep;
            default -> throw new IllegalArgumentException(floatFile);
        };
    }

    private static List<NodeProto> allNodes(GraphProto graph, List<NodeProto> into) {
        for (NodeProto node : graph.getNodeList()) {
            into.add(node);
            for (AttributeProto attribute : node.getAttributeList()) {
                if (attribute.hasG()) {
                    allNodes(attribute.getG(), into);
                }
            }
        }
        return into;
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"relu-tied, q8", "relu-tied, q4", "gated-untied, q8", "gated-untied, q4"})
    void everyLinearLayerIsMatMulNBitsAndNoMatMulReadsAWeight(String arch, String dtype) throws Exception {
        T5Config c = config(arch);
        for (String floatFile : FILES) {
            Path path = file(arch, dtype, floatFile);
            String what = arch + "/" + path.getFileName();
            assertDoesNotThrow(() -> onnx.check_model(path.toString(), true, false, false), what + " passes the checker");
            ModelProto model = ModelProto.parseFrom(Files.readAllBytes(path));
            assertTrue(model.getOpsetImportList().stream()
                    .anyMatch(o -> o.getDomain().equals("com.microsoft") && o.getVersion() == 1), what + " imports com.microsoft 1");

            Map<String, TensorProto> initializers = new HashMap<>();
            model.getGraph().getInitializerList().forEach(t -> initializers.put(t.getName(), t));
            List<NodeProto> nodes = allNodes(model.getGraph(), new java.util.ArrayList<>());
            Set<String> transposedInitializers = new HashSet<>();
            Map<String, Integer> counts = new HashMap<>();
            for (NodeProto node : nodes) {
                counts.merge(node.getOpType(), 1, Integer::sum);
                if (node.getOpType().equals("Transpose") && initializers.containsKey(node.getInput(0))) {
                    transposedInitializers.add(node.getOutput(0));
                }
            }
            for (NodeProto node : nodes) {
                if (node.getOpType().equals("MatMul")) {
                    for (String input : node.getInputList()) {
                        assertTrue(!initializers.containsKey(input) && !transposedInitializers.contains(input),
                                what + ": " + node.getName() + " still multiplies by a float weight");
                    }
                }
                if (node.getOpType().equals("MatMulNBits")) {
                    assertEquals("com.microsoft", node.getDomain());
                }
            }
            assertEquals(expectedLinearLayers(c, floatFile), counts.getOrDefault("MatMulNBits", 0), what + " MatMulNBits");
            assertEquals(Set.of(), transposedInitializers, what + ": no weight is transposed any more");

            // The float weights left are the tables Gather reads: the embedding and the position biases.
            Set<String> floatMatrices = new TreeSet<>();
            for (TensorProto t : initializers.values()) {
                if (t.getDataType() == TensorProto.DataType.FLOAT_VALUE && t.getDimsCount() == 2) {
                    floatMatrices.add(t.getName());
                }
            }
            for (String name : floatMatrices) {
                assertTrue(name.equals("shared.weight") || name.endsWith("relative_attention_bias.weight"),
                        what + " keeps float " + name);
                assertTrue(nodes.stream().anyMatch(n -> n.getOpType().equals("Gather") && n.getInput(0).equals(name)),
                        what + ": a Gather reads " + name);
            }
            assertTrue(floatMatrices.contains("shared.weight"), what + " keeps the float embedding for its Gather");
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"relu-tied, q8", "relu-tied, q4", "gated-untied, q8", "gated-untied, q4"})
    void logitsStayCloseToFloat32(String arch, String dtype) throws Exception {
        JsonNode ref = Fixtures.json(Fixtures.fixture(arch + ".json"));
        T5Config c = config(arch);
        long[][] ids = longMatrix(ref.get("input_ids"));
        long[][] mask = longMatrix(ref.get("attention_mask"));
        float[] hidden;
        try (var encoder = new OrtRunner(file(arch, dtype, OptimumLayout.ENCODER_FILE))) {
            hidden = encoder.longs("input_ids", ids).longs("attention_mask", mask).run().get("last_hidden_state").values();
        }
        Map<String, OrtRunner.Output> first;
        try (var decoder = new OrtRunner(file(arch, dtype, OptimumLayout.DECODER_FILE))) {
            first = decoder.longs("input_ids", longMatrix(ref.get("decoder_input_ids")))
                    .longs("encoder_attention_mask", mask)
                    .floats("encoder_hidden_states", hidden, ids.length, ids[0].length, c.dModel())
                    .run();
        }
        float[] cached;
        float[] mergedFirst;
        float[] mergedCached;
        try (var withPast = new OrtRunner(file(arch, dtype, OptimumLayout.DECODER_WITH_PAST_FILE));
                var merged = new OrtRunner(file(arch, dtype, OptimumLayout.DECODER_MERGED_FILE))) {
            cached = cachedStep(withPast, ref, c, mask, hidden, first).run().get("logits").values();
            mergedCached = cachedStep(merged, ref, c, mask, hidden, first).bool("use_cache_branch", true).run()
                    .get("logits").values();
            merged.longs("input_ids", longMatrix(ref.get("decoder_input_ids"))).bool("use_cache_branch", false);
            for (int i = 0; i < c.numDecoderLayers(); i++) {
                for (boolean cross : new boolean[] {false, true}) {
                    for (boolean value : new boolean[] {false, true}) {
                        merged.floats(OptimumLayout.pastName(i, cross, value), new float[0], ids.length, c.numHeads(), 0, c.dKv());
                    }
                }
            }
            mergedFirst = merged.run().get("logits").values();
        }

        float[] reference = floats(ref.get("logits"));
        float[] nextReference = floats(ref.get("next_logits"));
        double firstRelative = relativeL2(reference, first.get("logits").values());
        double cachedRelative = relativeL2(nextReference, cached);
        System.out.printf("%s %s: max |logit - float32| %.3g first step, %.3g cached step (max |logit| %.3g); "
                + "relative L2 %.3g, %.3g; same argmax at %.0f%% of positions%n", arch, dtype,
                maxAbsDifference(reference, first.get("logits").values()), maxAbsDifference(nextReference, cached),
                maxAbs(reference), firstRelative, cachedRelative,
                100 * sameArgmax(reference, first.get("logits").values(), c.vocabSize()));
        double bound = RELATIVE_BOUND.get(dtype);
        assertTrue(firstRelative <= bound, arch + " " + dtype + " first step: relative error " + firstRelative + " > " + bound);
        assertTrue(cachedRelative <= bound, arch + " " + dtype + " cached step: relative error " + cachedRelative + " > " + bound);
        // The merged decoder's branches hold the same quantized weights as the separate files.
        assertTrue(maxAbsDifference(first.get("logits").values(), mergedFirst) <= 1e-5, "merged, no cache");
        assertTrue(maxAbsDifference(cached, mergedCached) <= 1e-5, "merged, cache");
    }

    /** The cached step's inputs: the next token, and the present the quantized first step returned. */
    private static OrtRunner cachedStep(OrtRunner runner, JsonNode ref, T5Config c, long[][] mask, float[] hidden,
            Map<String, OrtRunner.Output> first) throws Exception {
        runner.longs("input_ids", longMatrix(ref.get("next_decoder_input_ids")))
                .longs("encoder_attention_mask", mask)
                .floats("encoder_hidden_states", hidden, mask.length, mask[0].length, c.dModel());
        for (int i = 0; i < c.numDecoderLayers(); i++) {
            for (boolean cross : new boolean[] {false, true}) {
                for (boolean value : new boolean[] {false, true}) {
                    OrtRunner.Output present = first.get(OptimumLayout.presentName(i, cross, value));
                    runner.floats(OptimumLayout.pastName(i, cross, value), present.values(), present.shape());
                }
            }
        }
        return runner;
    }

    /** ||actual - expected|| / ||expected||. */
    private static double relativeL2(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            diff += ((double) expected[i] - actual[i]) * ((double) expected[i] - actual[i]);
            norm += (double) expected[i] * expected[i];
        }
        return Math.sqrt(diff / norm);
    }

    /** The share of positions whose highest logit is the same token. */
    private static double sameArgmax(float[] expected, float[] actual, int vocab) {
        int positions = expected.length / vocab;
        int same = 0;
        for (int p = 0; p < positions; p++) {
            int e = 0;
            int a = 0;
            for (int v = 1; v < vocab; v++) {
                e = expected[p * vocab + v] > expected[p * vocab + e] ? v : e;
                a = actual[p * vocab + v] > actual[p * vocab + a] ? v : a;
            }
            same += e == a ? 1 : 0;
        }
        return (double) same / positions;
    }

    private static double maxAbs(float[] values) {
        double m = 0;
        for (float v : values) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    private static double maxAbsDifference(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        double m = 0;
        for (int i = 0; i < expected.length; i++) {
            m = Math.max(m, Math.abs((double) expected[i] - actual[i]));
        }
        return m;
    }
}

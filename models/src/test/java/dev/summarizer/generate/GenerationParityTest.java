package dev.summarizer.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.summarizer.export.OnnxExport;
import dev.summarizer.model.FloatTensor;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.T5Weights;
import dev.summarizer.runtime.Device;
import dev.summarizer.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Greedy and beam search against transformers' generate() on the two reference architectures
 * (scripts/reference/generation_fixtures.py): the same ids for a padded batch of inputs of different
 * lengths and for each input alone, for both decoder layouts; and prompt-lookup decoding, which must give greedy
 * search's ids with fewer decoder passes.
 */
class GenerationParityTest {
    @TempDir
    static Path exports;
    private static final Map<String, OnnxSeq2SeqModel> MODELS = new LinkedHashMap<>();

    @BeforeAll
    static void exportAndOpen() throws Exception {
        for (String arch : new String[] {"relu-tied", "gated-untied"}) {
            JsonNode fixture = fixture(arch);
            T5Weights weights = boostEos(ModelFolder.open(Fixtures.fixture(arch)).readWeights(),
                    (float) fixture.get("eos_boost").asDouble());
            Path dir = Files.createDirectories(exports.resolve(arch));
            OnnxExport.writeOnnxFiles(weights, Files.createDirectories(dir.resolve("onnx")), line -> {});
            for (OnnxSeq2SeqModel.DecoderMode mode : OnnxSeq2SeqModel.DecoderMode.values()) {
                MODELS.put(arch + "/" + mode, OnnxSeq2SeqModel.open(dir, weights.config(), Device.CPU, 1, mode));
            }
        }
    }

    @AfterAll
    static void close() throws Exception {
        for (OnnxSeq2SeqModel m : MODELS.values()) {
            m.close();
        }
    }

    /** The fixture's models: the EOS row of the lm_head scaled in float32, as the reference script does. */
    static T5Weights boostEos(T5Weights weights, float boost) {
        Map<String, FloatTensor> tensors = new LinkedHashMap<>(weights.tensors());
        String head = weights.layout().lmHeadName();
        FloatTensor original = tensors.get(head);
        float[] data = original.data().clone();
        int width = (int) original.shape()[1];
        int eos = weights.config().eosTokenId();
        for (int i = eos * width; i < (eos + 1) * width; i++) {
            data[i] *= boost;
        }
        tensors.put(head, new FloatTensor(original.shape(), data));
        return new T5Weights(weights.config(), tensors);
    }

    static JsonNode fixture(String arch) {
        return Fixtures.json(Fixtures.fixture(arch + "-generate.json"));
    }

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> cases = Stream.builder();
        for (String arch : new String[] {"relu-tied", "gated-untied"}) {
            fixture(arch).get("results").fieldNames().forEachRemaining(setting -> {
                for (OnnxSeq2SeqModel.DecoderMode mode : OnnxSeq2SeqModel.DecoderMode.values()) {
                    cases.add(Arguments.of(arch, setting, mode));
                }
            });
        }
        return cases.build();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void sameIdsAsTransformers(String arch, String setting, OnnxSeq2SeqModel.DecoderMode mode) throws Exception {
        JsonNode fixture = fixture(arch);
        JsonNode result = fixture.get("results").get(setting);
        OnnxSeq2SeqModel model = MODELS.get(arch + "/" + mode);
        DecodingSettings settings = GenerationDefaults.fromJson(result.get("settings"), setting).decoding();
        assertTransformersIds(model, settings, fixture, result, setting);
    }

    /**
     * {@code settings} on {@code model} give the fixture's ids for {@code result}: its inputs as one padded batch
     * ({@code batched}) and each on its own ({@code alone}).
     */
    static void assertTransformersIds(OnnxSeq2SeqModel model, DecodingSettings settings, JsonNode fixture, JsonNode result,
            String label) throws Exception {
        long[][] ids = Fixtures.longMatrix(fixture.get("input_ids"));
        long[][] mask = Fixtures.longMatrix(fixture.get("attention_mask"));
        long[][] batched = generate(model, settings, ids, mask);
        long[][] expectedBatched = Fixtures.longMatrix(result.get("batched"));
        for (int i = 0; i < ids.length; i++) {
            assertArrayEquals(expectedBatched[i], batched[i], label + " batched, input " + i);
        }
        long[][] expectedAlone = Fixtures.longMatrix(result.get("alone"));
        for (int i = 0; i < ids.length; i++) {
            int length = (int) Arrays.stream(mask[i]).sum();
            long[][] one = {Arrays.copyOf(ids[i], length)};
            long[][] oneMask = {Arrays.copyOf(mask[i], length)};
            assertArrayEquals(expectedAlone[i], generate(model, settings, one, oneMask)[0], label + " alone, input " + i);
        }
    }

    static Stream<Arguments> greedyCases() {
        return cases().filter(a -> fixture((String) a.get()[0]).get("results").get((String) a.get()[1])
                .get("settings").path("num_beams").asInt(1) == 1);
    }

    /**
     * Prompt lookup over the greedy fixtures: drafts of 1, 3 and 16 tokens, accepted whole (these models repeat one
     * token), in part (no_repeat_ngram_size forbids what the draft repeats; min_new_tokens bans EOS at the start), or
     * not at all, and rows of a batch that accept different counts.
     */
    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("greedyCases")
    void promptLookupGivesGreedyIds(String arch, String setting, OnnxSeq2SeqModel.DecoderMode mode) throws Exception {
        JsonNode fixture = fixture(arch);
        JsonNode result = fixture.get("results").get(setting);
        OnnxSeq2SeqModel model = MODELS.get(arch + "/" + mode);
        DecodingSettings greedy = GenerationDefaults.fromJson(result.get("settings"), setting).decoding();
        for (int draft : new int[] {1, 3, 16}) {
            assertTransformersIds(model, greedy.withPromptLookup(draft), fixture, result, setting + " draft " + draft);
        }
    }

    /**
     * The first input of relu-tied repeats one token 20 times: plain greedy runs a pass per token, prompt lookup (up to
     * 16 tokens) copies the repeats. The draft follows the first earlier occurrence of the longest n-gram (3) ending
     * the output, so it grows with the output: passes keep 1, 1, 2, 2, 4 and 8 tokens, and the last pass the 2 that
     * max_new_tokens leaves.
     */
    @Test
    void promptLookupNeedsFewerPasses() throws Exception {
        JsonNode fixture = fixture("relu-tied");
        OnnxSeq2SeqModel model = MODELS.get("relu-tied/" + OnnxSeq2SeqModel.DecoderMode.SEPARATE);
        DecodingSettings greedy = GenerationDefaults.fromJson(fixture.get("results").get("greedy").get("settings"), "greedy")
                .decoding();
        long[][] ids = Fixtures.longMatrix(fixture.get("input_ids"));
        int length = (int) Arrays.stream(Fixtures.longMatrix(fixture.get("attention_mask"))[0]).sum();
        long[][] one = {Arrays.copyOf(ids[0], length)};
        long[][] oneMask = {new long[length]};
        Arrays.fill(oneMask[0], 1);
        long[] expected = Fixtures.longMatrix(fixture.get("results").get("greedy").get("alone"))[0];
        assertEquals(20, expected.length);

        long before = model.timer().decoderPasses();
        assertArrayEquals(expected, generate(model, greedy, one, oneMask)[0]);
        long plain = model.timer().decoderPasses() - before;
        before = model.timer().decoderPasses();
        assertArrayEquals(expected, generate(model, greedy.withPromptLookup(16), one, oneMask)[0]);
        long lookup = model.timer().decoderPasses() - before;
        assertEquals(20, plain);
        assertEquals(7, lookup);
    }

    private static long[][] generate(OnnxSeq2SeqModel model, DecodingSettings settings, long[][] ids, long[][] mask)
            throws Exception {
        SpecialTokens special = SpecialTokens.of(model.config());
        try (TokenScorer scorer = model.startDecoding(ids, mask, settings.numBeams())) {
            if (settings.numBeams() > 1) {
                return BeamSearch.run(scorer, ids.length, settings, special, DecodingObserver.NONE);
            }
            PromptLookup lookup = settings.promptLookupNumTokens() > 0
                    ? new PromptLookup(ids, mask, settings.promptLookupNumTokens())
                    : null;
            return GreedySearch.run(scorer, ids.length, settings, special, DecodingObserver.NONE, lookup);
        }
    }
}

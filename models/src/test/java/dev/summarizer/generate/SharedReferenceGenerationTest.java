package dev.summarizer.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.summarizer.export.OnnxExport;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.runtime.Device;
import dev.summarizer.testing.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Texts to ids end to end on the reference folders in ../shared (real T5 tokenizer, transformers 5.18's
 * generate() results): tokenization with truncation to 64 tokens, the encoder, and greedy and beam search.
 */
class SharedReferenceGenerationTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"ref-relu-tied", "ref-gated-untied"})
    void textsGiveTransformersIds(String name) throws Exception {
        Path exported = dir.resolve(name);
        OnnxExport.export(ModelFolder.open(Fixtures.shared("reference/" + name)), exported, line -> {});
        JsonNode generate = Fixtures.json(Fixtures.shared("reference/" + name + ".json")).get("generate");
        List<String> texts = new ArrayList<>();
        generate.get("texts").forEach(t -> texts.add(t.asText()));
        int maxSource = generate.get("max_source_length").asInt();
        try (Summarizer summarizer = Summarizer.open(ModelFolder.open(exported), Device.CPU)) {
            for (String setting : List.of("greedy", "beam4_lp2_nrng3_early", "beam3_min8_lp0.6")) {
                JsonNode expected = generate.get(setting);
                GenerationSettings s = GenerationDefaults.fromJson(expected.get("settings"), setting);
                s = s.withSource(new SourceSettings("", maxSource));
                List<Summary> summaries = summarizer.summarize(texts, s);
                for (int i = 0; i < texts.size(); i++) {
                    assertArrayEquals(Fixtures.longs(expected.get("token_ids").get(i)), summaries.get(i).tokenIds(),
                            name + " " + setting + " text " + i);
                }
            }
        }
    }
}

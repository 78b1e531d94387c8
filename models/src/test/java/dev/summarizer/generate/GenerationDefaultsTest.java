package dev.summarizer.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model folder's default generation settings against what a Hugging Face summarization pipeline settles on for the
 * same generation_config.json and task_specific_params (scripts/reference/generation_defaults_fixtures.py).
 */
class GenerationDefaultsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void layeredAsTheSummarizationPipelineLayersThem() throws Exception {
        JsonNode cases = Fixtures.json(Fixtures.fixture("generation-defaults.json")).get("cases");
        assertEquals(7, cases.size());
        ObjectNode baseConfig = (ObjectNode) Fixtures.json(Fixtures.fixture("relu-tied/config.json"));
        int n = 0;
        for (JsonNode c : cases) {
            Path folder = Files.createDirectories(dir.resolve("case-" + n++));
            ObjectNode config = baseConfig.deepCopy();
            if (!c.get("task_specific_params").isNull()) {
                config.putObject("task_specific_params").set("summarization", c.get("task_specific_params"));
            }
            Files.writeString(folder.resolve(ModelFolder.CONFIG), config.toString());
            if (!c.get("generation_config").isNull()) {
                Files.writeString(folder.resolve(ModelFolder.GENERATION_CONFIG), c.get("generation_config").toString());
            }
            ModelFolder model = ModelFolder.open(folder);
            GenerationSettings settings = GenerationDefaults.of(model, model.readConfig());
            DecodingSettings s = settings.decoding();
            JsonNode e = c.get("expected");
            String what = c.get("case").asText();
            assertEquals(e.get("max_new_tokens").asInt(), s.maxNewTokens(), what + ": max_new_tokens");
            assertEquals(e.get("min_new_tokens").asInt(), s.minNewTokens(), what + ": min_new_tokens");
            assertEquals(e.get("num_beams").asInt(), s.numBeams(), what + ": num_beams");
            assertEquals(e.get("length_penalty").asDouble(), s.lengthPenalty(), 0, what + ": length_penalty");
            assertEquals(e.get("no_repeat_ngram_size").asInt(), s.noRepeatNgramSize(), what + ": no_repeat_ngram_size");
            assertEquals(EarlyStopping.parse(e.get("early_stopping").asText()), s.earlyStopping(), what + ": early_stopping");
            assertEquals(e.get("prefix").asText(), settings.source().prefix(), what + ": prefix");
        }
    }
}

package dev.summarizer.training.rouge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.summarizer.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The reference vectors written by scripts/reference/rouge_fixtures.py (rouge_score's algorithm, NLTK's stemmer). */
public final class RougeFixtures {
    private RougeFixtures() {}

    public static Path file(String name) {
        Path p = Fixtures.root().resolve("training/src/test/resources/fixtures/rouge").resolve(name);
        if (!Files.exists(p)) {
            throw new IllegalStateException("missing fixture " + p + " (see scripts/reference/README.md)");
        }
        return p;
    }

    public static JsonNode scores() {
        return Fixtures.json(file("scores.json"));
    }

    public static List<String> references(JsonNode scoredCase) {
        List<String> references = new ArrayList<>();
        scoredCase.get("references").forEach(r -> references.add(r.textValue()));
        return references;
    }

    public static Score score(JsonNode scoredCase, String type) {
        JsonNode s = scoredCase.get("scores").get(type);
        return new Score(s.get("precision").asDouble(), s.get("recall").asDouble(), s.get("fmeasure").asDouble());
    }
}

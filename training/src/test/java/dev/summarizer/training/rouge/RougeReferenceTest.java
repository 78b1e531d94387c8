package dev.summarizer.training.rouge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every pair of scripts/reference/rouge_fixtures.py, scored as rouge_score would, to 1e-6. */
class RougeReferenceTest {
    private static final double TOLERANCE = 1e-6;
    private static final List<String> TYPES = List.of("rouge1", "rouge2", "rougeL", "rougeLsum");

    @Test
    void everyPairScoresAsRougeScoreWithTheStemmer() {
        JsonNode fixture = RougeFixtures.scores();
        assertEquals(true, fixture.get("use_stemmer").asBoolean());
        JsonNode cases = fixture.get("cases");
        assertTrue(cases.size() > 300, cases.size() + " cases");
        // The texts carry their Lsum sentences as lines already, as rouge_score expects them.
        List<String> mismatches = compare(cases, new RougeScorer(true, false));
        assertEquals(List.of(), mismatches.subList(0, Math.min(10, mismatches.size())), mismatches.size() + " mismatches");
    }

    @Test
    void pairsScoredWithoutTheStemmer() {
        JsonNode cases = RougeFixtures.scores().get("unstemmed_cases");
        assertTrue(cases.size() >= 30, cases.size() + " cases");
        List<String> mismatches = compare(cases, new RougeScorer(false, false));
        assertEquals(List.of(), mismatches.subList(0, Math.min(10, mismatches.size())), mismatches.size() + " mismatches");
    }

    @Test
    void corpusMeansOfTheFMeasures() {
        JsonNode fixture = RougeFixtures.scores();
        List<String> predictions = new ArrayList<>();
        List<List<String>> references = new ArrayList<>();
        for (JsonNode c : fixture.get("cases")) {
            predictions.add(c.get("prediction").textValue());
            references.add(RougeFixtures.references(c));
        }
        RougeMeans means = new RougeScorer(true, false).corpus(predictions, references);
        for (String type : TYPES) {
            assertEquals(fixture.get("means").get(type).asDouble(), means.byName().get(type), TOLERANCE, type);
        }
    }

    @Test
    void theFixtureCoversMultipleReferencesLinesAndEmptyTexts() {
        int multiReference = 0;
        int multiLine = 0;
        int empty = 0;
        for (JsonNode c : RougeFixtures.scores().get("cases")) {
            multiReference += c.get("references").size() > 1 ? 1 : 0;
            multiLine += c.get("prediction").textValue().contains("\n") ? 1 : 0;
            empty += c.get("prediction").textValue().isBlank() || RougeFixtures.references(c).contains("") ? 1 : 0;
        }
        assertTrue(multiReference >= 50 && multiLine >= 50 && empty >= 4,
                multiReference + " multi-reference, " + multiLine + " multi-line, " + empty + " empty");
    }

    private static List<String> compare(JsonNode cases, RougeScorer scorer) {
        List<String> mismatches = new ArrayList<>();
        for (JsonNode c : cases) {
            RougeScores actual = scorer.scoreMulti(RougeFixtures.references(c), c.get("prediction").textValue());
            for (String type : TYPES) {
                Score expected = RougeFixtures.score(c, type);
                Score got = actual.byName().get(type);
                if (Math.abs(expected.precision() - got.precision()) > TOLERANCE
                        || Math.abs(expected.recall() - got.recall()) > TOLERANCE
                        || Math.abs(expected.fmeasure() - got.fmeasure()) > TOLERANCE) {
                    mismatches.add(type + " of " + c.get("prediction") + " vs " + c.get("references")
                            + ": " + got + ", rouge_score: " + expected);
                }
            }
        }
        return mismatches;
    }
}

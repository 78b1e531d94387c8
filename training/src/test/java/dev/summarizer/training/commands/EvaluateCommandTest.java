package dev.summarizer.training.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.summarizer.testing.Cli;
import dev.summarizer.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** evaluate: generation plus ROUGE, consistent with the rouge command on its own predictions. */
class EvaluateCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void exportTheTrainerFixtureModel() {
        model = dir.resolve("model");
        Cli.Result r = Cli.run("export", "--model", Fixtures.fixture("trainer/model").toString(), "--out", model.toString());
        assertEquals(0, r.status(), r.err());
    }

    @Test
    void printsRougeOfItsPredictionsAsTheRougeCommandComputesThem() throws Exception {
        Path predictions = dir.resolve("predictions.jsonl");
        Cli.Result r = Cli.run("evaluate", "--model", model.toString(), "--data",
                Fixtures.fixture("trainer/validation.jsonl").toString(), "--limit", "8", "--max-new-tokens", "8",
                "--output", predictions.toString(), "--threads", "1");
        assertEquals(0, r.status(), r.err());
        JsonNode scores = JSON.readTree(r.out());
        assertEquals(8, scores.get("samples").asInt());
        assertTrue(scores.get("gen_len").asDouble() >= 1 && scores.get("gen_len").asDouble() <= 8);
        Cli.Result rouge = Cli.run("rouge", "--input", predictions.toString());
        assertEquals(0, rouge.status(), rouge.err());
        JsonNode recomputed = JSON.readTree(rouge.out());
        for (String k : List.of("rouge1", "rouge2", "rougeL", "rougeLsum")) {
            assertEquals(recomputed.get(k).asDouble(), scores.get(k).asDouble(), 1e-12, k);
        }
        assertEquals(8, Files.readAllLines(predictions).size());
    }

    @Test
    void reportsTheTrainersEvalLossAndEachPredictionsTokenIds() throws Exception {
        Path predictions = dir.resolve("with-ids.jsonl");
        Cli.Result r = Cli.run("evaluate", "--model", model.toString(), "--data",
                Fixtures.fixture("trainer/validation.jsonl").toString(), "--prefix", "summarize: ", "--max-new-tokens", "3",
                "--output", predictions.toString(), "--threads", "1");
        assertEquals(0, r.status(), r.err());
        JsonNode expected = Fixtures.json(Fixtures.fixture("trainer/eval_loss.json"));
        assertEquals(expected.get("eval_loss").asDouble(), JSON.readTree(r.out()).get("eval_loss").asDouble(), 1e-5,
                "transformers' Trainer.evaluate() loss on the same model and data");
        JsonNode first = JSON.readTree(Files.readAllLines(predictions).get(0));
        String dialogue = JSON.readTree(Files.readAllLines(Fixtures.fixture("trainer/validation.jsonl")).get(0)).get("dialogue")
                .asText();
        Cli.Result alone = Cli.run("summarize", "--model", model.toString(), "--json", "--prefix", "summarize: ",
                "--max-new-tokens", "3", dialogue);
        assertEquals(JSON.readTree(alone.out()).get("token_ids"), first.get("token_ids"));
    }

    @Test
    void everyReferenceColumnOfADialogSumTestRowCounts() throws Exception {
        Path data = Files.writeString(dir.resolve("test.jsonl"), """
                {"fname": "t1", "dialogue": "Anna: Do you want to meet at the park at noon?\\nBen: Sure, see you at the park.", "summary1": "Anna and Ben will meet at the park at noon.", "summary2": "Anna and Ben meet at noon.", "summary3": "They will meet in the park."}
                """);
        Path predictions = dir.resolve("multi.jsonl");
        Cli.Result r = Cli.run("evaluate", "--model", model.toString(), "--data", data.toString(), "--max-new-tokens", "6",
                "--output", predictions.toString(), "--threads", "1");
        assertEquals(0, r.status(), r.err());
        assertEquals(3, JSON.readTree(Files.readAllLines(predictions).get(0)).get("reference").size());
    }

    @Test
    void aMissingColumnIsNamedWithTheColumnsThatExist() throws Exception {
        Cli.Result r = Cli.run("evaluate", "--model", model.toString(), "--data",
                Fixtures.fixture("trainer/validation.jsonl").toString(), "--summary-column", "highlights");
        assertEquals(1, r.status());
        assertEquals("summarizer evaluate: " + Fixtures.fixture("trainer/validation.jsonl")
                + ": no column \"highlights\"; columns are: dialogue, summary", r.err().strip());
    }
}

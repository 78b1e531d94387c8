package dev.summarizer.training.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.summarizer.testing.Cli;
import dev.summarizer.training.rouge.RougeFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RougeCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TYPES = List.of("rouge1", "rouge2", "rougeL", "rougeLsum");

    @TempDir
    Path dir;

    @Test
    void printsTheCorpusMeansOfTheReferenceFixture() throws Exception {
        JsonNode fixture = RougeFixtures.scores();
        List<String> rows = new ArrayList<>();
        for (JsonNode c : fixture.get("cases")) {
            ObjectNode row = JSON.createObjectNode().put("prediction", c.get("prediction").textValue());
            JsonNode references = c.get("references");
            if (references.size() == 1) {
                row.put("reference", references.get(0).textValue());
            } else {
                row.set("reference", references);
            }
            rows.add(JSON.writeValueAsString(row));
        }
        Path input = write("pairs.jsonl", String.join("\n", rows) + "\n");

        // The fixture's texts already hold their Lsum sentences one per line.
        Cli.Result r = Cli.run("rouge", "--input", input.toString(), "--split-sentences", "false");
        assertEquals(0, r.status(), r.err());
        JsonNode means = JSON.readTree(r.out());
        assertEquals(TYPES, fieldNames(means));
        for (String type : TYPES) {
            assertEquals(fixture.get("means").get(type).asDouble(), means.get(type).asDouble(), 1e-6, type);
        }
    }

    @Test
    void splitsSentencesForLsumByDefault() throws Exception {
        // Stemmed, cat sat dog ran against dog ran cat sat: 4/4 unigrams, 2 of 3 bigrams, an LCS of 2 of 4;
        // with one sentence per line Lsum matches each sentence in full (1), on one line only the LCS (1/2).
        Path input = write("one.jsonl", "{\"prediction\": \"Cats sat. Dogs ran.\", \"reference\": \"dog ran cat sat\"}\n");
        JsonNode split = JSON.readTree(Cli.run("rouge", "--input", input.toString()).out());
        assertEquals(1.0, split.get("rouge1").asDouble(), 1e-12);
        assertEquals(2.0 / 3, split.get("rouge2").asDouble(), 1e-12);
        assertEquals(0.5, split.get("rougeL").asDouble(), 1e-12);
        assertEquals(1.0, split.get("rougeLsum").asDouble(), 1e-12);
        JsonNode lines = JSON.readTree(Cli.run("rouge", "--input", input.toString(), "--split-sentences=false").out());
        assertEquals(0.5, lines.get("rougeLsum").asDouble(), 1e-12);
        JsonNode unstemmed = JSON.readTree(Cli.run("rouge", "--input", input.toString(), "--use-stemmer", "false").out());
        assertEquals(0.5, unstemmed.get("rouge1").asDouble(), 1e-12); // cats and dogs no longer match cat and dog: 2 of 4
    }

    @Test
    void writesTheMeansToOutputAndEachRowsScoresToScores() throws Exception {
        Path input = write("rows.jsonl", "\uFEFF{\"prediction\": \"the cat\", \"reference\": [\"the dog\", \"the cat\"]}\n"
                + "\n"
                + "{\"prediction\": \"\", \"reference\": \"something\"}\n");
        Path output = dir.resolve("rouge.json");
        Path scores = dir.resolve("scores.jsonl");
        Cli.Result r = Cli.run("rouge", "--input", input.toString(), "--output", output.toString(), "--scores", scores.toString());
        assertEquals(0, r.status(), r.err());
        // Row 1 matches its second reference exactly (F 1), row 3 is empty (F 0): every mean is 1/2.
        JsonNode means = JSON.readTree(Files.readString(output));
        assertEquals(JSON.readTree(r.out()), means);
        for (String type : TYPES) {
            assertEquals(0.5, means.get(type).asDouble(), 1e-12, type);
        }
        List<String> perRow = Files.readAllLines(scores);
        assertEquals(2, perRow.size());
        JsonNode first = JSON.readTree(perRow.get(0));
        JsonNode second = JSON.readTree(perRow.get(1));
        assertEquals(1, first.get("line").asInt());
        assertEquals(3, second.get("line").asInt());
        assertEquals(1.0, first.get("rouge2").get("precision").asDouble());
        assertEquals(0.0, second.get("rougeL").get("recall").asDouble());
    }

    @Test
    void badInputIsOneLineNamingTheFileAndLine() throws Exception {
        Path missing = dir.resolve("missing.jsonl");
        assertOneLineError(Cli.run("rouge", "--input", missing.toString()), 1, "summarizer rouge: " + missing + ": file not found");
        String good = "{\"prediction\": \"a\", \"reference\": \"a\"}\n";
        String[][] cases = {
                {"{\"prediction\": \"a\", \"reference\": \"a\"", "line 2: not valid JSON ("},
                {"not json at all", "line 2: not valid JSON ("},
                {"{\"prediction\": \"a\", \"reference\": \"a\"} {}", "line 2: not valid JSON ("},
                {"[1, 2]", "line 2: expected a JSON object {\"prediction\": ..., \"reference\": ...}"},
                {"{\"reference\": \"a\"}", "line 2: no \"prediction\" field"},
                {"{\"prediction\": \"a\"}", "line 2: no \"reference\" field"},
                {"{\"prediction\": null, \"reference\": \"a\"}", "line 2: \"prediction\" must be a string, got null"},
                {"{\"prediction\": \"a\", \"reference\": 3}", "line 2: \"reference\" must be a string or a list of strings, got a number"},
                {"{\"prediction\": \"a\", \"reference\": []}", "line 2: \"reference\" is an empty list"},
                {"{\"prediction\": \"a\", \"reference\": [\"a\", {}]}", "line 2: \"reference\" must be a list of strings, but has an object"},
        };
        for (String[] c : cases) {
            Path input = write("bad.jsonl", good + c[0] + "\n" + good);
            Cli.Result r = Cli.run("rouge", "--input", input.toString());
            assertOneLineError(r, 1, null);
            assertTrue(r.err().startsWith("summarizer rouge: " + input + " " + c[1]), r.err());
        }
        Path empty = write("empty.jsonl", "\n\n");
        assertOneLineError(Cli.run("rouge", "--input", empty.toString()), 1, "summarizer rouge: " + empty
                + ": no rows to score (expected {\"prediction\": ..., \"reference\": ...} per line)");
        Path latin1 = dir.resolve("latin1.jsonl");
        Files.write(latin1, (good + "{\"prediction\": \"caf\u00e9\", \"reference\": \"a\"}\n").getBytes(StandardCharsets.ISO_8859_1));
        assertOneLineError(Cli.run("rouge", "--input", latin1.toString()), 1, "summarizer rouge: " + latin1 + " line 2: not UTF-8 text");
    }

    @Test
    void badFlagsAndHelp() throws Exception {
        assertOneLineError(Cli.run("rouge"), 2, "summarizer rouge: --input is required");
        Path input = write("ok.jsonl", "{\"prediction\": \"a\", \"reference\": \"a\"}\n");
        assertOneLineError(Cli.run("rouge", "--input", input.toString(), "--split-sentences", "maybe"), 2,
                "summarizer rouge: --split-sentences: expected true or false, got \"maybe\"");
        Cli.Result help = Cli.run("rouge", "--help");
        assertEquals(0, help.status());
        assertTrue(help.out().startsWith("usage: summarizer rouge"), help.out());
        assertTrue(help.out().contains("--split-sentences") && help.out().contains("--output"), help.out());
        assertTrue(Cli.run("--help").out().contains("rouge"));
    }

    private Path write(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void assertOneLineError(Cli.Result r, int status, String message) {
        assertEquals(status, r.status(), r.err());
        assertFalse(r.err().strip().contains("\n"), "one line: " + r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        if (message != null) {
            assertEquals(message, r.err().strip());
        }
    }
}

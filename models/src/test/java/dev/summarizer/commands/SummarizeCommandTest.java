package dev.summarizer.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.summarizer.generate.ModelTokenizer;
import dev.summarizer.testing.Cli;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The summarize command end to end on a tiny exported model: files in and out, flags, and bad input. */
class SummarizeCommandTest {
    @TempDir
    static Path dir;
    static Path model;
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void exportTinyModel() {
        model = dir.resolve("tiny");
        assertEquals(0, Cli.run("init", "--config", "tiny", "--out", model.toString(), "--seed", "5").status());
        assertEquals(0, Cli.run("export", "--model", model.toString()).status());
    }

    @Test
    void jsonlInJsonlOutWithTokenIdsThatDecodeToTheSummary() throws Exception {
        Path input = Files.writeString(dir.resolve("in.jsonl"), """
                {"id": "a", "text": "Amanda: I baked cookies. Do you want some?\\nJerry: Sure!"}

                {"id": 7, "text": "Hannah: Hey, do you have Betty's number?\\nAmanda: Lemme check"}
                {"text": "Matt: Do you want to go for date?\\nAgnes: Wow! You caught me out with this question Matt."}
                """);
        Path output = dir.resolve("out.jsonl");
        Cli.Result r = Cli.run("summarize", "--model", model.toString(), "--input", input.toString(), "--output",
                output.toString(), "--max-new-tokens", "12", "--batch-size", "2");
        assertEquals(0, r.status(), r.err());
        List<String> lines = Files.readAllLines(output);
        assertEquals(3, lines.size());
        JsonNode first = JSON.readTree(lines.get(0));
        assertEquals("a", first.get("id").asText());
        assertEquals(7, JSON.readTree(lines.get(1)).get("id").asInt());
        assertFalse(JSON.readTree(lines.get(2)).has("id"));
        try (ModelTokenizer tokenizer = ModelTokenizer.open(model.resolve("tokenizer.json"))) {
            for (String line : lines) {
                JsonNode row = JSON.readTree(line);
                long[] ids = new long[row.get("token_ids").size()];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = row.get("token_ids").get(i).asLong();
                }
                assertTrue(ids.length >= 1 && ids.length <= 12, line);
                assertEquals(tokenizer.decode(ids), row.get("summary").asText());
                assertFalse(row.get("truncated").asBoolean());
            }
        }
        // The batch does not change what each text gets: the same ids one at a time.
        Path alone = dir.resolve("alone.jsonl");
        assertEquals(0, Cli.run("summarize", "--model", model.toString(), "--input", input.toString(), "--output",
                alone.toString(), "--max-new-tokens", "12", "--batch-size", "1").status());
        for (int i = 0; i < 3; i++) {
            assertEquals(JSON.readTree(lines.get(i)).get("token_ids"), JSON.readTree(Files.readAllLines(alone).get(i)).get("token_ids"));
        }
    }

    @Test
    void aStoppedFileRunResumesToTheSameOutputAndAnExistingOutputIsNotOverwritten() throws Exception {
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            rows.append(JSON.createObjectNode().put("id", i).put("text", "Speaker" + i + ": shall we meet at " + (i + 1)
                    + " near gate " + (i * 7 % 5) + "?\nOther: sure.")).append('\n');
        }
        Path input = Files.writeString(dir.resolve("twenty.jsonl"), rows.toString());
        Path whole = dir.resolve("whole.jsonl");
        assertEquals(0, Cli.run("summarize", "--model", model.toString(), "--input", input.toString(), "--output",
                whole.toString(), "--max-new-tokens", "6", "--batch-size", "3").status());
        List<String> expected = Files.readAllLines(whole);
        assertEquals(20, expected.size());

        // What a run killed while writing its eighth row leaves: seven rows and a line cut off.
        Path stopped = dir.resolve("stopped.jsonl");
        Files.writeString(stopped, String.join("\n", expected.subList(0, 7)) + "\n" + expected.get(7).substring(0, 15));
        Cli.Result again = Cli.run("summarize", "--model", model.toString(), "--input", input.toString(), "--output",
                stopped.toString(), "--max-new-tokens", "6", "--batch-size", "4");
        assertEquals(1, again.status());
        assertEquals("summarizer summarize: " + stopped + " already exists (--resume continues it, --overwrite replaces it)",
                again.err().strip());
        Cli.Result resumed = Cli.run("summarize", "--model", model.toString(), "--input", input.toString(), "--output",
                stopped.toString(), "--max-new-tokens", "6", "--batch-size", "4", "--resume");
        assertEquals(0, resumed.status(), resumed.err());
        assertTrue(resumed.err().contains("wrote 13 summaries to " + stopped + " after the 7 already there"), resumed.err());
        assertEquals(expected, Files.readAllLines(stopped), "the resumed output is the uninterrupted one, row for row");

        assertEquals(0, Cli.run("summarize", "--model", model.toString(), "--input", input.toString(), "--output",
                stopped.toString(), "--max-new-tokens", "6", "--overwrite").status());
        assertEquals(expected, Files.readAllLines(stopped));
    }

    @Test
    void longInputsAreTruncatedAndSaySo() throws Exception {
        String longText = "Tom: we should meet at the station at noon. ".repeat(40);
        Cli.Result r = Cli.run("summarize", "--model", model.toString(), "--json", "--max-source-length", "16",
                "--max-new-tokens", "4", longText);
        assertEquals(0, r.status(), r.err());
        JsonNode row = JSON.readTree(r.out());
        assertTrue(row.get("truncated").asBoolean());
        assertTrue(row.get("input_tokens").asInt() > 16 * 10);
        assertEquals(4, row.get("token_ids").size());

        Cli.Result plain = Cli.run("summarize", "--model", model.toString(), "--max-source-length", "16",
                "--max-new-tokens", "4", longText);
        assertEquals(0, plain.status());
        assertTrue(plain.err().contains("was truncated to 16"), plain.err());
    }

    @Test
    void theModelsPrefixIsPutBeforeTheText() throws Exception {
        String text = "Amanda: I baked cookies. Do you want some?";
        JsonNode byDefault = summarizeJson(text);
        JsonNode explicit = summarizeJson("--prefix", "summarize: ", text);
        JsonNode none = summarizeJson("--prefix", "", text);
        // The tiny preset's task_specific_params.summarization.prefix is "summarize: ", two T5 tokens (21603, 10).
        assertEquals(explicit.get("input_tokens").asInt(), byDefault.get("input_tokens").asInt());
        assertEquals(none.get("input_tokens").asInt() + 2, byDefault.get("input_tokens").asInt());
        assertEquals(explicit.get("token_ids"), byDefault.get("token_ids"));
    }

    private static JsonNode summarizeJson(String... args) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of("summarize", "--model", model.toString(), "--json",
                "--max-new-tokens", "5"));
        all.addAll(List.of(args));
        Cli.Result r = Cli.run(all.toArray(String[]::new));
        assertEquals(0, r.status(), r.err());
        return JSON.readTree(r.out());
    }

    @Test
    void beamSearchRunsFromTheCommandLine() throws Exception {
        Cli.Result r = Cli.run("summarize", "--model", model.toString(), "--json", "--num-beams", "3",
                "--max-new-tokens", "6", "--no-repeat-ngram-size", "2", "--length-penalty", "0.8",
                "--early-stopping", "never", "Amanda: I baked cookies.");
        assertEquals(0, r.status(), r.err());
        JsonNode ids = JSON.readTree(r.out()).get("token_ids");
        assertEquals(6, ids.size());
        // no_repeat_ngram_size 2: no bigram occurs twice.
        java.util.Set<String> bigrams = new java.util.HashSet<>();
        for (int i = 0; i + 1 < ids.size(); i++) {
            assertTrue(bigrams.add(ids.get(i) + "," + ids.get(i + 1)), "repeated bigram in " + ids);
        }
    }

    @Test
    void badInputIsOneLineAndNonZero() throws Exception {
        String m = model.toString();
        assertError(Cli.run("summarize", "--model", m, "--num-beams", "0", "x"), 2,
                "summarizer summarize: --num-beams: must be between 1 and 1000, got 0");
        assertError(Cli.run("summarize", "--model", m, "--max-new-tokens", "0", "x"), 2,
                "summarizer summarize: --max-new-tokens: must be between 1 and 1000000, got 0");
        assertError(Cli.run("summarize", "--model", m, "--min-new-tokens", "9", "--max-new-tokens", "3", "x"), 2,
                "summarizer summarize: --min-new-tokens (9) must not exceed --max-new-tokens (3)");
        assertError(Cli.run("summarize", "--model", m, "--early-stopping", "maybe", "x"), 2,
                "summarizer summarize: --early-stopping: expected true, false or never, got \"maybe\"");
        assertError(Cli.run("summarize", "--model", m, " \n "), 1, "summarizer summarize: text is empty");
        assertError(Cli.run("summarize", "--model", m, "a\u0000b"), 1,
                "summarizer summarize: text contains the control character U+0000 at character 1");
        assertError(Cli.run("summarize", "--model", m), 2, "summarizer summarize: give either a TEXT or --input FILE");

        Path out = dir.resolve("never.jsonl");
        Path badJson = Files.writeString(dir.resolve("bad.jsonl"), "{\"text\": \"fine\"}\n{\"text\": \n");
        assertError(Cli.run("summarize", "--model", m, "--input", badJson.toString(), "--output", out.toString()), 1, null);
        Path noText = Files.writeString(dir.resolve("notext.jsonl"), "{\"text\": \"fine\"}\n{\"dialogue\": \"x\"}\n");
        assertError(Cli.run("summarize", "--model", m, "--input", noText.toString(), "--output", out.toString()), 1,
                "summarizer summarize: " + noText + ":2: no \"text\" field");
        Path empty = Files.writeString(dir.resolve("empty.jsonl"), "{\"text\": \"fine\"}\n\n{\"text\": \"\"}\n");
        assertError(Cli.run("summarize", "--model", m, "--input", empty.toString(), "--output", out.toString()), 1,
                "summarizer summarize: " + empty + ":3: text is empty");
        Path latin1 = Files.write(dir.resolve("latin1.jsonl"),
                "{\"text\": \"ok\"}\n{\"text\": \"caf\u00e9\"}\n".getBytes(StandardCharsets.ISO_8859_1));
        assertError(Cli.run("summarize", "--model", m, "--input", latin1.toString(), "--output", out.toString()), 1,
                "summarizer summarize: " + latin1 + ": not valid UTF-8 (line 2)");
        Path surrogate = Files.writeString(dir.resolve("surrogate.jsonl"), "{\"text\": \"bad \\ud800 half\"}\n");
        assertError(Cli.run("summarize", "--model", m, "--input", surrogate.toString(), "--output", out.toString()), 1,
                "summarizer summarize: " + surrogate + ":1: text is not valid Unicode: unpaired surrogate U+D800 at character 4");
        assertFalse(Files.exists(out), "nothing is written when the input is bad");

        assertError(Cli.run("summarize", "--model", dir.resolve("missing").toString(), "x"), 1,
                "summarizer summarize: " + dir.resolve("missing") + ": model folder not found");
        Path unexported = dir.resolve("unexported");
        assertEquals(0, Cli.run("init", "--config", "tiny", "--out", unexported.toString()).status());
        Cli.Result exportedFirst = Cli.run("summarize", "--model", unexported.toString(), "x");
        assertEquals(0, exportedFirst.status(), exportedFirst.err());
        assertTrue(exportedFirst.err().startsWith("exporting the ONNX files into " + unexported.resolve("onnx")),
                exportedFirst.err());
    }

    /** With CUDA 12 and cuDNN 9 present the GPU gives the CPU's ids; without them, one line says what is missing. */
    @Test
    void cudaRunsOrSaysWhatItNeeds() throws Exception {
        String text = "Amanda: I baked cookies. Do you want some?";
        Cli.Result cuda = Cli.run("summarize", "--model", model.toString(), "--json", "--max-new-tokens", "5", "--device", "cuda", text);
        if (cuda.status() == 0) {
            assertEquals(summarizeJson(text).get("token_ids"), JSON.readTree(cuda.out()).get("token_ids"));
        } else {
            assertEquals(1, cuda.status(), cuda.err());
            assertEquals(1, cuda.err().lines().count(), cuda.err());
            assertTrue(cuda.err().startsWith("summarizer summarize: --device cuda: ONNX Runtime's CUDA provider is not available"),
                    cuda.err());
            assertTrue(cuda.err().contains("CUDA 12 and cuDNN 9"), cuda.err());
        }
    }

    private static void assertError(Cli.Result r, int status, String message) {
        assertEquals(status, r.status(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        if (message != null) {
            assertEquals(message, r.err().strip());
        }
    }
}

package dev.summarizer.spark.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.summarizer.Json;
import dev.summarizer.generate.GenerationOverrides;
import dev.summarizer.generate.Summarizer;
import dev.summarizer.generate.Summary;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.runtime.Device;
import dev.summarizer.spark.SharedSpark;
import dev.summarizer.spark.TestModels;
import dev.summarizer.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * spark-summarize end to end, in this JVM's shared session: JSON Lines, CSV and Parquet in and out, read back with
 * Spark; the input's columns kept; summaries as one machine makes them; bad rows, bad flags and a missing model.
 */
class SparkSummarizeCommandTest {
    private static final Map<String, String> TEXTS = new HashMap<>();

    @TempDir
    static Path dir;
    static Path model;
    static Path jsonl;

    @BeforeAll
    static void writeInput() throws Exception {
        model = TestModels.tiny();
        TEXTS.put("a", "Amanda: I baked cookies. Do you want some?\nJerry: Sure!");
        TEXTS.put("b", "Hannah: Hey, do you have Betty's number?\nAmanda: Lemme check \"the list\", ok?");
        TEXTS.put("c", "Matt: Do you want to go for date?\nAgnes: Wow! You caught me out with this question Matt.");
        TEXTS.put("d", "   ");
        StringBuilder sb = new StringBuilder();
        for (String id : List.of("a", "b", "c", "d")) {
            sb.append(Json.MAPPER.writeValueAsString(Map.of("id", id, "channel", "chat-" + id, "text", TEXTS.get(id))))
                    .append('\n');
        }
        jsonl = Files.writeString(dir.resolve("in.jsonl"), sb.toString());
    }

    @Test
    void jsonLinesToParquetWithTheModelShippedThroughSparkFiles() throws Exception {
        Path out = dir.resolve("beams.parquet");
        Cli.Result r = Cli.run("spark-summarize", "--model", "file://" + model, "--input", jsonl.toString(), "--output",
                out.toString(), "--num-beams", "2", "--max-new-tokens", "6", "--batch-size", "2", "--partitions", "3");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().startsWith("wrote 4 rows to " + out + " in "), r.err());
        assertTrue(r.err().contains("1 with an error"), r.err());
        Dataset<Row> back = SharedSpark.session().read().parquet(out.toString());
        assertEquals(List.of("channel", "id", "text", "summary", "token_ids", "input_tokens", "truncated", "error"),
                Arrays.asList(back.schema().fieldNames()));
        assertMatchesOneMachine(back.collectAsList(), new GenerationOverrides(6, null, 2, null, null, null, null, null));
        // Nothing is left beside the output.
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(".beams.parquet")));
        }
    }

    @Test
    void csvToJsonLinesAndJsonLinesToCsv() throws Exception {
        // CSV with a header, quotes doubled, and dialogues over several lines.
        StringBuilder csv = new StringBuilder("id,channel,dialogue\n");
        for (String id : List.of("a", "b", "c", "d")) {
            csv.append(id).append(",chat-").append(id).append(",\"").append(TEXTS.get(id).replace("\"", "\"\""))
                    .append("\"\n");
        }
        Path in = Files.writeString(dir.resolve("in.csv"), csv.toString());
        Path out = dir.resolve("from-csv.jsonl");
        Cli.Result r = Cli.run("spark-summarize", "--model", model.toString(), "--input", in.toString(), "--output",
                out.toString(), "--text-column", "dialogue", "--max-new-tokens", "5");
        assertEquals(0, r.status(), r.err());
        List<Row> rows = SharedSpark.session().read().json(out.toString()).collectAsList();
        assertMatchesOneMachine(rows, new GenerationOverrides(5, null, null, null, null, null, null, null));
        for (String line : partLines(out)) {
            // Every row has every column, null ones included.
            assertTrue(Json.MAPPER.readTree(line).has("error"), line);
        }

        Path csvOut = dir.resolve("out.csv");
        r = Cli.run("spark-summarize", "--model", model.toString(), "--input", jsonl.toString(), "--output",
                csvOut.toString(), "--max-new-tokens", "5", "--output-column", "prediction");
        assertEquals(0, r.status(), r.err());
        Dataset<Row> back = SharedSpark.session().read().option("header", "true").option("multiLine", "true")
                .option("escape", "\"").csv(csvOut.toString());
        assertEquals(List.of("channel", "id", "text", "prediction", "token_ids", "input_tokens", "truncated", "error"),
                Arrays.asList(back.schema().fieldNames()));
        Map<String, Summary> want = oneMachine(new GenerationOverrides(5, null, null, null, null, null, null, null));
        for (Row row : back.collectAsList()) {
            String id = row.getAs("id");
            assertEquals(TEXTS.get(id), row.getAs("text"));
            if (id.equals("d")) {
                assertEquals("text is empty", row.getAs("error"));
                continue;
            }
            JsonNode ids = Json.MAPPER.readTree((String) row.getAs("token_ids"));
            assertArrayEquals(want.get(id).tokenIds(), longs(ids), id);
            assertEquals(want.get(id).text(), row.getAs("prediction"));
        }
    }

    @Test
    void aLineThatIsNotJsonBecomesARowWithItsError() throws Exception {
        Path in = Files.writeString(dir.resolve("broken.jsonl"), Files.readString(jsonl) + "{\"id\": \"e\", \"text\": \n");
        Path out = dir.resolve("broken.parquet");
        Cli.Result r = Cli.run("spark-summarize", "--model", model.toString(), "--input", in.toString(), "--output",
                out.toString(), "--max-new-tokens", "3");
        assertEquals(0, r.status(), r.err());
        List<Row> rows = SharedSpark.session().read().parquet(out.toString()).where("error IS NOT NULL").collectAsList();
        assertEquals(List.of("text is empty", "the input record could not be parsed: {\"id\": \"e\", \"text\":"),
                rows.stream().map(row -> (String) row.getAs("error")).sorted().toList());
    }

    @Test
    void anExistingOutputIsReplacedOnlyWithOverwrite() throws Exception {
        Path out = dir.resolve("again.parquet");
        String[] args = {"spark-summarize", "--model", model.toString(), "--input", jsonl.toString(), "--output",
                out.toString(), "--max-new-tokens", "3"};
        assertEquals(0, Cli.run(args).status());
        Cli.Result again = Cli.run(args);
        assertEquals(1, again.status());
        assertEquals("summarizer spark-summarize: " + out + ": already exists (give --overwrite to replace it)\n",
                again.err());
        String[] overwrite = Arrays.copyOf(args, args.length + 1);
        overwrite[args.length] = "--overwrite";
        Cli.Result replaced = Cli.run(overwrite);
        assertEquals(0, replaced.status(), replaced.err());
        assertEquals(4, SharedSpark.session().read().parquet(out.toString()).count());
    }

    @Test
    void mistakesAreOneLine() throws Exception {
        Path out = dir.resolve("never.parquet");
        Path missing = dir.resolve("no-model");
        assertError(1, "summarizer spark-summarize: " + missing + ": model folder not found", "--model",
                missing.toString(), "--input", jsonl.toString(), "--output", out.toString());
        assertError(2, "summarizer spark-summarize: --num-beams: must be between 1 and 1000, got 0", "--model",
                model.toString(), "--input", jsonl.toString(), "--output", out.toString(), "--num-beams", "0");
        assertError(2, "summarizer spark-summarize: --min-new-tokens (9) must not exceed --max-new-tokens (3)",
                "--model", model.toString(), "--input", jsonl.toString(), "--output", out.toString(),
                "--min-new-tokens", "9", "--max-new-tokens", "3");
        assertError(1, "summarizer spark-summarize: " + dir.resolve("none.jsonl") + ": file not found", "--model",
                model.toString(), "--input", dir.resolve("none.jsonl").toString(), "--output", out.toString());
        assertError(1, "summarizer spark-summarize: the input has no column \"dialogue\" (columns: channel, id, text)",
                "--model", model.toString(), "--input", jsonl.toString(), "--output", out.toString(), "--text-column",
                "dialogue");
        assertError(2, "summarizer spark-summarize: --output: the name " + dir.resolve("plain") + " does not say its"
                        + " format (.parquet, .json, .jsonl or .csv); give --format", "--model", model.toString(),
                "--input", jsonl.toString(), "--output", dir.resolve("plain").toString());
        assertFalse(Files.exists(out));
    }

    private static void assertError(int status, String line, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "spark-summarize";
        System.arraycopy(args, 0, all, 1, args.length);
        Cli.Result r = Cli.run(all);
        assertEquals(status, r.status(), r.err());
        assertEquals(line + "\n", r.err());
    }

    private static void assertMatchesOneMachine(List<Row> rows, GenerationOverrides overrides) throws Exception {
        Map<String, Summary> want = oneMachine(overrides);
        assertEquals(4, rows.size());
        for (Row row : rows) {
            String id = row.getAs("id");
            assertEquals("chat-" + id, row.getAs("channel"));
            if (id.equals("d")) {
                assertEquals("text is empty", row.getAs("error"));
                assertNull(row.getAs("summary"));
                continue;
            }
            List<Long> ids = row.getList(row.fieldIndex("token_ids"));
            assertArrayEquals(want.get(id).tokenIds(), ids.stream().mapToLong(Long::longValue).toArray(), id);
            assertEquals(want.get(id).text(), row.getAs("summary"));
            assertEquals(want.get(id).inputTokens(), ((Number) row.getAs("input_tokens")).intValue());
            assertNull(row.getAs("error"));
        }
    }

    /** Each text summarized alone, as summarize does it. */
    private static Map<String, Summary> oneMachine(GenerationOverrides overrides) throws Exception {
        Map<String, Summary> out = new HashMap<>();
        try (Summarizer summarizer = Summarizer.open(ModelFolder.open(model), Device.CPU)) {
            for (String id : List.of("a", "b", "c")) {
                out.put(id, summarizer.summarize(List.of(TEXTS.get(id)), overrides.applyTo(summarizer.defaults())).get(0));
            }
        }
        return out;
    }

    private static List<String> partLines(Path folder) throws Exception {
        try (var parts = Files.list(folder)) {
            return parts.filter(p -> p.getFileName().toString().startsWith("part-"))
                    .flatMap(p -> {
                        try {
                            return Files.readAllLines(p).stream();
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }).toList();
        }
    }

    private static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }
}

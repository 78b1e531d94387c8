package dev.summarizer.training.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.summarizer.testing.Fixtures;
import dev.summarizer.training.data.DatasetStats.Skipped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real datasets in the shared folder, checked against their published sizes and against Jackson's reading. */
class SharedDatasetsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void dialogsumHasItsPublishedSplitSizes() {
        assertKeepsAll(Fixtures.shared("data/dialogsum/train.jsonl"), 12_460);
        assertKeepsAll(Fixtures.shared("data/dialogsum/validation.jsonl"), 500);
        assertKeepsAll(Fixtures.shared("data/dialogsum/test.jsonl"), 500);
    }

    @Test
    void dialogsumTestRowsCarryThreeReferences() {
        Path file = Fixtures.shared("data/dialogsum/test.jsonl");
        Dataset test = Dataset.read(file, ColumnRequest.DETECT);
        assertEquals(Preset.DIALOGSUM_TEST, test.columns().preset());
        assertTrue(test.examples().stream().allMatch(e -> e.references().size() == 3));

        JsonNode first = parse(lines(file).getFirst());
        SummarizationExample example = test.examples().getFirst();
        assertEquals(first.get("dialogue").textValue(), example.text());
        assertEquals(List.of(first.get("summary1").textValue(), first.get("summary2").textValue(),
                first.get("summary3").textValue()), example.references());
        assertEquals(1, example.line());
    }

    @Test
    void samsumCountsItsOneEmptyDialogue() {
        Path train = Fixtures.shared("data/samsum/train.jsonl");
        DatasetStats stats = Dataset.read(train, ColumnRequest.DETECT).stats();
        assertEquals(14_732, stats.rowsRead());
        assertEquals(14_731, stats.rowsKept());
        // Row id 13828807, line 6055: an empty dialogue whose summary is "problem with visualization of the content".
        assertEquals(new Skipped(1, 6055), stats.emptyText());
        assertEquals(Skipped.NONE, stats.emptySummary());
        assertEquals(Skipped.NONE, stats.missingField());

        assertKeepsAll(Fixtures.shared("data/samsum/validation.jsonl"), 818);
    }

    @Test
    void samsumKeepsItsCrlfLineBreaks() {
        Dataset train = Dataset.read(Fixtures.shared("data/samsum/train.jsonl"), ColumnRequest.DETECT);
        SummarizationExample first = train.examples().getFirst();
        assertEquals("Amanda: I baked  cookies. Do you want some?\r\nJerry: Sure!\r\nAmanda: I'll bring you tomorrow :-)",
                first.text());
        assertEquals("Amanda baked cookies and will bring Jerry some tomorrow.", first.summary());
    }

    @Test
    void aRowDeepInTheFileMatchesItsLine() {
        Path train = Fixtures.shared("data/samsum/train.jsonl");
        List<SummarizationExample> examples = Dataset.read(train, ColumnRequest.DETECT).examples();
        // Past the skipped empty dialogue at line 6055, so example 9999 is on line 10001.
        SummarizationExample example = examples.get(9_999);
        assertEquals(10_001, example.line());
        JsonNode row = parse(lines(train).get(10_000));
        assertEquals(row.get("dialogue").textValue(), example.text());
        assertEquals(row.get("summary").textValue(), example.summary());
    }

    @Test
    void everyValidationRowIsWhatJacksonReads() {
        for (String name : List.of("data/samsum/validation.jsonl", "data/dialogsum/validation.jsonl")) {
            Path file = Fixtures.shared(name);
            List<SummarizationExample> examples = Dataset.read(file, ColumnRequest.DETECT).examples();
            List<String> lines = lines(file);
            assertEquals(lines.size(), examples.size());
            for (int i = 0; i < lines.size(); i++) {
                JsonNode row = parse(lines.get(i));
                assertEquals(row.get("dialogue").textValue(), examples.get(i).text(), name + " line " + (i + 1));
                assertEquals(List.of(row.get("summary").textValue()), examples.get(i).references(), name + " line " + (i + 1));
            }
        }
    }

    @Test
    void samsumWrittenAsCsvAndAsAJsonArrayReadsBackTheSame() throws IOException {
        Path jsonl = Fixtures.shared("data/samsum/validation.jsonl");
        List<JsonNode> rows = lines(jsonl).stream().map(SharedDatasetsTest::parse).toList();

        StringBuilder csv = new StringBuilder("id,dialogue,summary\r\n");
        for (JsonNode row : rows) {
            csv.append(csvField(row.get("id").textValue())).append(',')
                    .append(csvField(row.get("dialogue").textValue())).append(',')
                    .append(csvField(row.get("summary").textValue())).append("\r\n");
        }
        Path csvFile = Files.writeString(dir.resolve("samsum.csv"), csv);
        ArrayNode array = JSON.createArrayNode();
        rows.forEach(array::add);
        Path jsonFile = Files.writeString(dir.resolve("samsum.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(array));

        for (Path file : List.of(csvFile, jsonFile)) {
            List<SummarizationExample> examples = Dataset.read(file, ColumnRequest.DETECT).examples();
            assertEquals(rows.size(), examples.size(), file.toString());
            for (int i = 0; i < rows.size(); i++) {
                assertEquals(rows.get(i).get("dialogue").textValue(), examples.get(i).text(), file + " row " + i);
                assertEquals(rows.get(i).get("summary").textValue(), examples.get(i).summary(), file + " row " + i);
            }
        }
    }

    private static void assertKeepsAll(Path file, int rows) {
        DatasetStats stats = Dataset.read(file, ColumnRequest.DETECT).stats();
        assertEquals(rows, stats.rowsRead(), file.toString());
        assertEquals(rows, stats.rowsKept(), file.toString());
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String csvField(String value) {
        return "\"" + value.replace("\"", "\"\"") + "\"";
    }

    /** The file's lines, split on \n only (the JSON escapes every \r inside the texts). */
    private static List<String> lines(Path file) {
        try {
            List<String> lines = new ArrayList<>(List.of(Files.readString(file).split("\n")));
            lines.removeIf(String::isBlank);
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

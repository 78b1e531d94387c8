package dev.summarizer.training.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.summarizer.training.data.DatasetStats.Skipped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExampleReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsExamplesWithWhereTheyCameFrom() throws IOException {
        Path file = write("data.csv", "id,dialogue,summary\n1,\"A: hi\nB: yo\",greeting\n2,second,two\n");
        Dataset dataset = Dataset.read(file, ColumnRequest.DETECT);
        assertEquals(List.of(
                        new SummarizationExample("A: hi\nB: yo", List.of("greeting"), file, 2),
                        new SummarizationExample("second", List.of("two"), file, 4)),
                dataset.examples());
        assertEquals(Preset.SAMSUM_DIALOGSUM, dataset.columns().preset());
        assertEquals(file + ":4", dataset.examples().get(1).where());
    }

    @Test
    void emptyAndMissingFieldsAreCountedNotFatal() throws IOException {
        Path file = write("data.jsonl", String.join("\n",
                "{\"dialogue\": \"kept\", \"summary\": \"yes\"}",
                "{\"dialogue\": \"\", \"summary\": \"empty text\"}",
                "{\"dialogue\": \"  \\r\\n \", \"summary\": \"blank text\"}",
                "{\"dialogue\": \"no summary\", \"summary\": \"\"}",
                "{\"dialogue\": \"null summary\", \"summary\": null}",
                "{\"summary\": \"absent text\"}",
                "{\"dialogue\": null, \"summary\": \"\"}",
                "{\"dialogue\": \"kept too\", \"summary\": \"  padded  \"}"));
        Dataset dataset = Dataset.read(file, ColumnRequest.DETECT);
        assertEquals(List.of("kept", "kept too"), dataset.examples().stream().map(SummarizationExample::text).toList());
        assertEquals("  padded  ", dataset.examples().get(1).summary(), "text is kept as written");
        DatasetStats stats = dataset.stats();
        assertEquals(8, stats.rowsRead());
        assertEquals(2, stats.rowsKept());
        assertEquals(new Skipped(3, 5), stats.missingField());
        assertEquals(new Skipped(2, 2), stats.emptyText());
        assertEquals(new Skipped(1, 4), stats.emptySummary());
        assertEquals(6, stats.rowsSkipped());
        assertEquals(file + ": 8 rows, 2 kept; skipped 3 with a missing field (first at line 5),"
                + " 2 with empty text (first at line 2), 1 with an empty summary (line 4)", stats.describe());
    }

    @Test
    void anEmptyCsvFieldIsEmptyAndAShortRowIsMissing() throws IOException {
        Path file = write("data.csv", "dialogue,summary\ntext,\nshort\n");
        DatasetStats stats = Dataset.read(file, ColumnRequest.DETECT).stats();
        assertEquals(new Skipped(1, 2), stats.emptySummary());
        assertEquals(new Skipped(1, 3), stats.missingField());
    }

    @Test
    void numbersAndBooleansAreReadAsWritten() throws IOException {
        Path file = write("data.jsonl", "{\"dialogue\": 12.5, \"summary\": true}\n{\"dialogue\": 7, \"summary\": 100000000000000000000}\n");
        List<SummarizationExample> examples = Dataset.read(file, ColumnRequest.DETECT).examples();
        assertEquals("12.5", examples.get(0).text());
        assertEquals("true", examples.get(0).summary());
        assertEquals("7", examples.get(1).text());
        assertEquals("100000000000000000000", examples.get(1).summary());
    }

    @Test
    void severalSummaryColumnsGiveSeveralReferences() throws IOException {
        Path file = write("test.jsonl", String.join("\n",
                "{\"dialogue\": \"d1\", \"summary1\": \"a\", \"summary2\": \"b\", \"summary3\": \"c\"}",
                "{\"dialogue\": \"d2\", \"summary1\": \"a\", \"summary2\": \" \", \"summary3\": null}",
                "{\"dialogue\": \"d3\", \"summary1\": \"\", \"summary2\": \"\", \"summary3\": \"\"}"));
        Dataset dataset = Dataset.read(file, ColumnRequest.DETECT);
        assertEquals(List.of("a", "b", "c"), dataset.examples().get(0).references());
        assertEquals(List.of("a"), dataset.examples().get(1).references());
        assertEquals(2, dataset.stats().referencesDropped());
        assertEquals(new Skipped(1, 3), dataset.stats().emptySummary());
    }

    @Test
    void aSummaryColumnHoldingAnArrayGivesOneReferencePerText() throws IOException {
        Path file = write("data.json", "[{\"document\": \"doc\", \"summaries\": [\"one\", null, \"two\"]}]");
        Dataset dataset = Dataset.read(file, new ColumnRequest("document", "summaries"));
        assertEquals(List.of("one", "two"), dataset.examples().getFirst().references());
        assertEquals(1, dataset.stats().referencesDropped());
    }

    @Test
    void anObjectWhereTextBelongsIsAnError() throws IOException {
        Path file = write("data.jsonl", "{\"dialogue\": \"ok\", \"summary\": \"ok\"}\n{\"dialogue\": {\"turns\": []}, \"summary\": \"x\"}\n");
        var e = assertThrows(DatasetException.class, () -> Dataset.read(file, ColumnRequest.DETECT));
        assertEquals(file + ":2: column \"dialogue\" holds an object, not text", e.getMessage());
    }

    @Test
    void aMissingColumnNamesTheFileAndItsColumns() throws IOException {
        Path file = write("data.csv", "id,dialogue,summary\n1,a,b\n");
        var e = assertThrows(DatasetException.class, () -> Dataset.read(file, new ColumnRequest("text", null)));
        assertEquals(file + ": no column \"text\"; columns are: id, dialogue, summary", e.getMessage());
    }

    @Test
    void aMissingFileIsOneLine() {
        Path file = dir.resolve("nope.jsonl");
        var e = assertThrows(DatasetException.class, () -> Dataset.read(file, ColumnRequest.DETECT));
        assertEquals(file + ": file not found", e.getMessage());
    }

    @Test
    void aFolderOrAnUnknownExtensionIsOneLine() throws IOException {
        var e = assertThrows(DatasetException.class, () -> Dataset.read(dir, ColumnRequest.DETECT));
        assertEquals(dir + ": is a folder, not a dataset file", e.getMessage());
        Path text = write("data.txt", "dialogue,summary\n");
        e = assertThrows(DatasetException.class, () -> Dataset.read(text, ColumnRequest.DETECT));
        assertEquals(text + ": unknown dataset format (expected a .csv, .tsv, .json or .jsonl file)", e.getMessage());
    }

    @Test
    void aFileWithoutRowsIsAnError() throws IOException {
        for (String name : List.of("empty.csv", "empty.json", "empty.jsonl", "header.csv", "array.json")) {
            String content = switch (name) {
                case "header.csv" -> "dialogue,summary\r\n";
                case "array.json" -> "[ ]";
                default -> "\n";
            };
            Path file = write(name, content);
            var e = assertThrows(DatasetException.class, () -> Dataset.read(file, ColumnRequest.DETECT));
            assertEquals(file + ": no rows", e.getMessage());
        }
    }

    @Test
    void streamsWithRunningStats() throws IOException {
        Path file = write("data.jsonl", "{\"dialogue\": \"a\", \"summary\": \"1\"}\n{\"dialogue\": \"\", \"summary\": \"2\"}\n"
                + "{\"dialogue\": \"c\", \"summary\": \"3\"}\n");
        try (ExampleReader reader = ExampleReader.open(file, ColumnRequest.DETECT)) {
            assertEquals("a", reader.next().text());
            assertEquals(1, reader.stats().rowsRead());
            assertEquals("c", reader.next().text());
            assertFalse(reader.hasNext());
            assertEquals(3, reader.stats().rowsRead());
            assertEquals(2, reader.stats().rowsKept());
        }
        try (var stream = ExampleReader.open(file, ColumnRequest.DETECT).stream()) {
            assertEquals(List.of(1L, 3L), stream.map(SummarizationExample::line).toList());
        }
    }

    @Test
    void textsTheModelCannotTakeAreSkippedAndCounted() throws IOException {
        // NUL and escape written as JSON escapes, and a lone surrogate half, as a careless export produces them.
        Path file = write("data.jsonl", String.join("\n",
                "{\"dialogue\": \"A: hi\\u0000\", \"summary\": \"nul in the text\"}",
                "{\"dialogue\": \"kept\", \"summary\": \"yes\"}",
                "{\"dialogue\": \"A: \\ud83d\", \"summary\": \"lone surrogate\"}",
                "{\"dialogue\": \"escape in the summary\", \"summary\": \"\\u001b[31m\"}"));
        Dataset dataset = Dataset.read(file, ColumnRequest.DETECT);
        assertEquals(List.of("kept"), dataset.examples().stream().map(SummarizationExample::text).toList());
        assertEquals(new Skipped(3, 1), dataset.stats().invalidText());
        assertEquals(file + ": 4 rows, 1 kept; skipped 3 with control characters or broken Unicode (first at line 1)",
                dataset.stats().describe());
    }

    @Test
    void describeSaysNothingWasSkippedByOmission() throws IOException {
        Path file = write("data.jsonl", "{\"dialogue\": \"a\", \"summary\": \"1\"}\n");
        String line = Dataset.read(file, ColumnRequest.DETECT).stats().describe();
        assertEquals(file + ": 1 row, 1 kept", line);
        assertTrue(Dataset.read(file, ColumnRequest.DETECT).columns().describe().contains("SAMSum/DialogSum"));
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }
}

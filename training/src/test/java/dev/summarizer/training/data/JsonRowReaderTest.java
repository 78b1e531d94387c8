package dev.summarizer.training.data;

import static dev.summarizer.training.data.CsvRowReaderTest.lines;
import static dev.summarizer.training.data.CsvRowReaderTest.readAll;
import static dev.summarizer.training.data.CsvRowReaderTest.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonRowReaderTest {
    @TempDir
    Path dir;

    @Test
    void aJsonArrayGivesOneRowPerObjectWithTheLineItStartsOn() throws IOException {
        Path file = write("data.json", """
                [
                  {"dialogue": "A: hi\\r\\nB: hello", "summary": "They greet."},
                  {
                    "dialogue": "second",
                    "summary": "two"
                  }
                ]
                """);
        List<Row> rows = readAll(file);
        assertEquals(2, rows.size());
        assertEquals("A: hi\r\nB: hello", text(rows.get(0), "dialogue"));
        assertEquals("two", text(rows.get(1), "summary"));
        assertEquals(List.of(2L, 3L), lines(rows));
    }

    @Test
    void jsonLinesSkipBlankLinesAndKeepLineNumbers() throws IOException {
        Path file = write("data.jsonl", "{\"dialogue\": \"one\", \"summary\": \"1\"}\n\n   \n"
                + "{\"dialogue\": \"two\", \"summary\": \"2\"}\r\n");
        List<Row> rows = readAll(file);
        assertEquals(List.of(1L, 4L), lines(rows));
        assertEquals("two", text(rows.get(1), "dialogue"));
    }

    @Test
    void aJsonFileHoldingJsonLinesIsReadAsJsonLines() throws IOException {
        Path file = write("data.json", "\n{\"dialogue\": \"one\", \"summary\": \"1\"}\n{\"dialogue\": \"two\", \"summary\": \"2\"}\n");
        List<Row> rows = readAll(file);
        assertEquals(List.of("one", "two"), rows.stream().map(r -> text(r, "dialogue")).toList());
        assertEquals(List.of(2L, 3L), lines(rows));
    }

    @Test
    void columnsAreTheKeysOfTheFirstObject() throws IOException {
        Path file = write("data.jsonl", "{\"id\": 1, \"dialogue\": \"a\", \"summary\": \"b\"}\n{\"other\": 2}\n");
        try (RowReader reader = RowReader.open(file)) {
            assertEquals(List.of("id", "dialogue", "summary"), reader.columns());
            reader.next();
            reader.next();
            assertEquals(List.of("id", "dialogue", "summary"), reader.columns(), "still the first row's");
        }
    }

    @Test
    void badJsonOnALineNamesTheLine() throws IOException {
        Path file = write("data.jsonl", "{\"dialogue\": \"a\", \"summary\": \"b\"}\n{\"dialogue\": \"a\", summary: \"b\"}\n");
        var e = assertThrows(DatasetException.class, () -> readAll(file));
        assertTrue(e.getMessage().startsWith(file + ":2: not valid JSON at column 19: Unexpected character ('s'"),
                e.getMessage());
        assertOneLine(e);
    }

    @Test
    void textAfterTheObjectOnAJsonLineIsAnError() throws IOException {
        Path file = write("data.jsonl", "{\"dialogue\": \"a\", \"summary\": \"b\"} {\"dialogue\": \"c\"}\n");
        var e = assertThrows(DatasetException.class, () -> readAll(file));
        assertTrue(e.getMessage().startsWith(file + ":1: not valid JSON"), e.getMessage());
        assertOneLine(e);
    }

    @Test
    void aJsonLineThatIsNotAnObjectIsAnError() throws IOException {
        Path file = write("data.jsonl", "{\"dialogue\": \"a\"}\n[\"a\", \"b\"]\n");
        var e = assertThrows(DatasetException.class, () -> readAll(file));
        assertEquals(file + ":2: expected a JSON object, found an array", e.getMessage());
    }

    @Test
    void anArrayElementThatIsNotAnObjectIsAnError() throws IOException {
        Path file = write("data.json", "[\n{\"dialogue\": \"a\"},\n\"stray\"\n]");
        var e = assertThrows(DatasetException.class, () -> readAll(file));
        assertEquals(file + ":3: expected an object for each row, found a string", e.getMessage());
    }

    @Test
    void aTruncatedArrayNamesWhereItEnds() throws IOException {
        Path file = write("data.json", "[\n{\"dialogue\": \"a\"},\n{\"dialogue\": \"b\"");
        var e = assertThrows(DatasetException.class, () -> readAll(file));
        assertTrue(e.getMessage().startsWith(file + ":3: not valid JSON"), e.getMessage());
        assertOneLine(e);
    }

    @Test
    void aJsonFileThatIsNeitherAnArrayNorLinesSaysSo() throws IOException {
        Path pretty = write("pretty.json", "{\n  \"data\": [{\"dialogue\": \"a\"}]\n}\n");
        var e = assertThrows(DatasetException.class, () -> readAll(pretty));
        assertEquals(pretty + ":1: neither a JSON array of objects nor one JSON object per line"
                + " (the first line is not a whole JSON object)", e.getMessage());

        Path scalar = write("number.json", "42");
        e = assertThrows(DatasetException.class, () -> readAll(scalar));
        assertEquals(scalar + ":1: expected a JSON array of objects, found a number", e.getMessage());
    }

    @Test
    void contentAfterTheArrayIsAnError() throws IOException {
        Path file = write("data.json", "[{\"dialogue\": \"a\"}]\n[{\"dialogue\": \"b\"}]\n");
        var e = assertThrows(DatasetException.class, () -> readAll(file));
        assertEquals(file + ":2: more JSON after the array of rows", e.getMessage());
    }

    private static void assertOneLine(Exception e) {
        assertTrue(!e.getMessage().contains("\n") && !e.getMessage().contains("\r"), e.getMessage());
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }
}

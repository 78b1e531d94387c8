package dev.summarizer.training.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvRowReaderTest {
    @TempDir
    Path dir;

    @Test
    void quotedFieldsKeepCommasDoubledQuotesAndLineBreaks() throws IOException {
        Path file = write("data.csv", "id,dialogue,summary\n"
                + "1,\"Amanda: hi, Jerry\nJerry: \"\"hi\"\" back\",\"They greet, twice.\"\n"
                + "2,plain text,\"ends with a quote \"\"\"\n");
        List<Row> rows = readAll(file);
        assertEquals(2, rows.size());
        assertEquals("Amanda: hi, Jerry\nJerry: \"hi\" back", text(rows.get(0), "dialogue"));
        assertEquals("They greet, twice.", text(rows.get(0), "summary"));
        assertEquals("plain text", text(rows.get(1), "dialogue"));
        assertEquals("ends with a quote \"", text(rows.get(1), "summary"));
        assertEquals(List.of(2L, 4L), lines(rows), "a record's line is the line it starts on");
    }

    @Test
    void crlfEndsRecordsAndStaysInsideQuotedFields() throws IOException {
        Path file = write("data.csv", "dialogue,summary\r\n\"A: one\r\nB: two\",short\r\nnext,row\r\n");
        List<Row> rows = readAll(file);
        assertEquals("A: one\r\nB: two", text(rows.get(0), "dialogue"));
        assertEquals("short", text(rows.get(0), "summary"), "no \\r left on the last field of a CRLF line");
        assertEquals("row", text(rows.get(1), "summary"));
        assertEquals(List.of(2L, 4L), lines(rows));
    }

    @Test
    void aByteOrderMarkIsNotPartOfTheFirstColumnName() throws IOException {
        Path file = dir.resolve("excel.csv");
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] body = "dialogue,summary\r\nhello,hi\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[bom.length + body.length];
        System.arraycopy(bom, 0, bytes, 0, bom.length);
        System.arraycopy(body, 0, bytes, bom.length, body.length);
        Files.write(file, bytes);
        try (RowReader reader = RowReader.open(file)) {
            assertEquals(List.of("dialogue", "summary"), reader.columns());
            assertEquals("hello", text(reader.next(), "dialogue"));
        }
    }

    @Test
    void blankLinesAreSkippedAndFieldsAreNotTrimmed() throws IOException {
        Path file = write("data.csv", "dialogue,summary\n\n  spaced  ,\"\"\n\n\nlast, \"one\"");
        List<Row> rows = readAll(file);
        assertEquals(2, rows.size());
        assertEquals("  spaced  ", text(rows.get(0), "dialogue"));
        assertEquals("", text(rows.get(0), "summary"));
        assertEquals(" \"one\"", text(rows.get(1), "summary"), "a quote opens a quoted field only as its first character");
        assertEquals(List.of(3L, 6L), lines(rows));
    }

    @Test
    void aQuoteInsideAnUnquotedFieldIsText() throws IOException {
        Path file = write("data.csv", "dialogue,summary\nsays \"hi\" twice,ok\n");
        assertEquals("says \"hi\" twice", text(readAll(file).getFirst(), "dialogue"));
    }

    @Test
    void aRowWithFewerFieldsLacksTheLastColumns() throws IOException {
        Path file = write("data.csv", "id,dialogue,summary\n7,only text\n");
        Row row = readAll(file).getFirst();
        assertEquals("only text", text(row, "dialogue"));
        assertFalse(row.fields().has("summary"));
    }

    @Test
    void tsvIsTheSameFormatWithTabs() throws IOException {
        Path file = write("data.tsv", "dialogue\tsummary\n\"tab\tinside\"\tcomma, kept\n");
        Row row = readAll(file).getFirst();
        assertEquals("tab\tinside", text(row, "dialogue"));
        assertEquals("comma, kept", text(row, "summary"));
    }

    @Test
    void aRowWithMoreFieldsThanTheHeaderIsAnError() throws IOException {
        Path file = write("data.csv", "dialogue,summary\na,b\n\"x,y\",z,extra\n");
        var e = assertThrows(DatasetException.class, () -> readAll(file));
        assertEquals(file + ":3: 3 fields, but the header has 2 columns", e.getMessage());
    }

    @Test
    void anUnterminatedQuoteNamesTheLineItOpensOn() throws IOException {
        Path file = write("data.csv", "dialogue,summary\nok,fine\n\"never closed,x\nmore\n");
        var e = assertThrows(DatasetException.class, () -> readAll(file));
        assertEquals(file + ":3: unterminated quoted field (its closing \" is missing)", e.getMessage());
    }

    @Test
    void textAfterAClosingQuoteIsAnError() throws IOException {
        Path file = write("data.csv", "dialogue,summary\n\"said \"hi\" there\",x\n");
        var e = assertThrows(DatasetException.class, () -> readAll(file));
        assertEquals(file + ":2: unexpected character 'h' after a closing quote"
                + " (a quote inside a quoted field is written twice: \"\")", e.getMessage());
    }

    @Test
    void aHeaderNamingAColumnTwiceIsAnError() throws IOException {
        Path file = write("data.csv", "summary,dialogue,summary\na,b,c\n");
        var e = assertThrows(DatasetException.class, () -> RowReader.open(file).close());
        assertEquals(file + ":1: the header names column \"summary\" twice", e.getMessage());
    }

    @Test
    void bytesThatAreNotUtf8AreReportedWithTheirLine() throws IOException {
        Path file = dir.resolve("latin1.csv");
        Files.write(file, "dialogue,summary\nok,fine\ncaf\u00e9,x\n".getBytes(StandardCharsets.ISO_8859_1));
        var e = assertThrows(DatasetException.class, () -> readAll(file));
        assertEquals(file + ":3: not UTF-8 text (save the file as UTF-8)", e.getMessage());
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    static List<Row> readAll(Path file) {
        List<Row> rows = new ArrayList<>();
        try (RowReader reader = RowReader.open(file)) {
            reader.forEachRemaining(rows::add);
        }
        return rows;
    }

    static String text(Row row, String column) {
        return row.fields().get(column).textValue();
    }

    static List<Long> lines(List<Row> rows) {
        return rows.stream().map(Row::line).toList();
    }
}

package dev.summarizer.training.data;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;

/**
 * Rows of a CSV or TSV file with a header row. A row with fewer fields than the header lacks the last
 * columns (they count as missing); a row with more is an error.
 */
final class CsvRowReader extends PeekingRowReader {
    private final Path file;
    private final BufferedReader in;
    private final CsvParser parser;
    private final List<String> header;

    CsvRowReader(Path file, char delimiter) throws IOException {
        this.file = file;
        this.in = TextFiles.open(file);
        try {
            this.parser = new CsvParser(in, file, delimiter);
            List<String> firstRecord = parse();
            this.header = firstRecord == null ? List.of() : List.copyOf(firstRecord);
            checkUnique(header);
        } catch (RuntimeException e) {
            in.close();
            throw e;
        }
    }

    @Override
    public List<String> columns() {
        return header;
    }

    @Override
    protected Row readRow() {
        if (header.isEmpty()) {
            return null;
        }
        List<String> values = parse();
        if (values == null) {
            return null;
        }
        long line = parser.recordLine();
        if (values.size() > header.size()) {
            throw new DatasetException(file + ":" + line + ": " + values.size() + " fields, but the header has "
                    + header.size() + " columns");
        }
        ObjectNode fields = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < values.size(); i++) {
            fields.put(header.get(i), values.get(i));
        }
        return new Row(file, line, fields);
    }

    private List<String> parse() {
        try {
            return parser.next();
        } catch (CharacterCodingException e) {
            throw TextFiles.notUtf8(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void checkUnique(List<String> names) {
        var seen = new HashSet<String>();
        for (String name : names) {
            if (!seen.add(name)) {
                throw new DatasetException(file + ":" + parser.recordLine() + ": the header names column \"" + name
                        + "\" twice");
            }
        }
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

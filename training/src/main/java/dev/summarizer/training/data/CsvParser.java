package dev.summarizer.training.data;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits delimited text into records, as RFC 4180 describes: fields may be quoted, a quote inside a quoted
 * field is doubled, and quoted fields may hold delimiters and line breaks, which are kept as written.
 * Records end at CRLF, LF or a lone CR. Blank lines between records are skipped. Fields are not trimmed.
 */
final class CsvParser {
    private static final int END = -1;
    private static final char QUOTE = '"';

    private final Reader in;
    private final Path file;
    private final char delimiter;
    private final char[] buffer = new char[1 << 16];
    private int position;
    private int limit;
    private long line = 1;
    private long recordLine;

    CsvParser(Reader in, Path file, char delimiter) {
        this.in = in;
        this.file = file;
        this.delimiter = delimiter;
    }

    /** The 1-based line where the record last returned by {@link #next()} starts. */
    long recordLine() {
        return recordLine;
    }

    /** The next record's fields, or null at the end of the input. */
    List<String> next() throws IOException {
        while (peek() == '\r' || peek() == '\n') {
            readLineBreak();
        }
        if (peek() == END) {
            return null;
        }
        recordLine = line;
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        while (true) {
            if (peek() == QUOTE) {
                readQuoted(field);
            } else {
                readUnquoted(field);
            }
            fields.add(field.toString());
            field.setLength(0);
            int c = peek();
            if (c == delimiter) {
                read();
            } else {
                if (c != END) {
                    readLineBreak();
                }
                return fields;
            }
        }
    }

    private void readUnquoted(StringBuilder field) throws IOException {
        for (int c = peek(); c != END && c != delimiter && c != '\r' && c != '\n'; c = peek()) {
            field.append((char) read());
        }
    }

    private void readQuoted(StringBuilder field) throws IOException {
        long openedOn = line;
        read();
        while (true) {
            int c = peek();
            if (c == END) {
                throw new DatasetException(file + ":" + openedOn + ": unterminated quoted field (its closing \" is missing)");
            } else if (c == '\r' || c == '\n') {
                field.append(readLineBreak());
            } else if (c == QUOTE) {
                read();
                if (peek() != QUOTE) {
                    break;
                }
                field.append((char) read());
            } else {
                field.append((char) read());
            }
        }
        int after = peek();
        if (after != END && after != delimiter && after != '\r' && after != '\n') {
            throw new DatasetException(file + ":" + line + ": unexpected " + describe(after)
                    + " after a closing quote (a quote inside a quoted field is written twice: \"\")");
        }
    }

    /** Consumes one CRLF, LF or CR and returns it as written. */
    private String readLineBreak() throws IOException {
        line++;
        if (read() == '\n') {
            return "\n";
        }
        if (peek() == '\n') {
            read();
            return "\r\n";
        }
        return "\r";
    }

    private static String describe(int c) {
        return Character.isWhitespace(c) || Character.isISOControl(c)
                ? String.format("character U+%04X", c)
                : "character '" + (char) c + "'";
    }

    private int peek() throws IOException {
        if (position == limit) {
            limit = in.read(buffer);
            position = 0;
            if (limit <= 0) {
                limit = 0;
                return END;
            }
        }
        return buffer[position];
    }

    private int read() throws IOException {
        int c = peek();
        if (c != END) {
            position++;
        }
        return c;
    }
}

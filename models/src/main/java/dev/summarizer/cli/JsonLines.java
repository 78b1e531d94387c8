package dev.summarizer.cli;

import dev.summarizer.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** JSON Lines files: strict UTF-8 in, one object per line, errors that name the file and the line. */
public final class JsonLines {
    private static final ObjectMapper JSON = Json.MAPPER;

    private JsonLines() {}

    /** One object of a file and the 1-based line it stood on. */
    public record Row(int line, ObjectNode json) {}

    /** Every non-blank line of {@code file} as a JSON object (for files that fit in memory; see {@link #open}). */
    public static List<Row> read(Path file) throws IOException {
        List<Row> rows = new ArrayList<>();
        try (Reader reader = open(file)) {
            for (Row row = reader.next(); row != null; row = reader.next()) {
                rows.add(row);
            }
        }
        return rows;
    }

    /** Reads {@code file} row by row, holding one line at a time: strict UTF-8, one JSON object per non-blank line. */
    public static Reader open(Path file) throws IOException {
        try {
            return new Reader(file, new BufferedReader(new InputStreamReader(Files.newInputStream(file),
                    StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT))));
        } catch (NoSuchFileException e) {
            throw new UserException(file + ": file not found");
        }
    }

    /** The rows of one file, in order. */
    public static final class Reader implements AutoCloseable {
        private final Path file;
        private final BufferedReader in;
        private int line;

        private Reader(Path file, BufferedReader in) {
            this.file = file;
            this.in = in;
        }

        /** The next row, or null at the end. */
        public Row next() throws IOException {
            while (true) {
                String text;
                try {
                    text = in.readLine();
                } catch (CharacterCodingException e) {
                    throw new UserException(file + ": not valid UTF-8 (line " + lineOfInvalidByte(file) + ")");
                }
                if (text == null) {
                    return null;
                }
                line++;
                if (text.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(text);
                } catch (JsonProcessingException e) {
                    throw new UserException(file + ":" + line + ": not valid JSON ("
                            + e.getOriginalMessage().lines().findFirst().orElse("") + ")");
                }
                if (node == null || !node.isObject()) {
                    throw new UserException(file + ":" + line + ": expected a JSON object");
                }
                return new Row(line, (ObjectNode) node);
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** The text field {@code field} of a row, or a one-line error naming file, line and field. */
    public static String text(Path file, Row row, String field) {
        JsonNode value = row.json().get(field);
        if (value == null || value.isNull()) {
            throw new UserException(file + ":" + row.line() + ": no \"" + field + "\" field");
        }
        if (!value.isTextual()) {
            throw new UserException(file + ":" + row.line() + ": \"" + field + "\" must be a string");
        }
        return value.asText();
    }

    /** Writes rows to {@code file} through a temporary sibling, so a failed run leaves no half file. */
    public static void write(Path file, List<? extends JsonNode> rows) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (JsonNode row : rows) {
            sb.append(JSON.writeValueAsString(row)).append('\n');
        }
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        dev.summarizer.model.StagingDirectory.writeAtomically(file, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** The line of the first byte that is not UTF-8 (the reader decodes ahead of the line it returns). */
    private static long lineOfInvalidByte(Path file) throws IOException {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        long line = 1;
        java.io.ByteArrayOutputStream current = new java.io.ByteArrayOutputStream();
        try (var in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
            for (int b = in.read(); ; b = in.read()) {
                if (b == '\n' || b == -1) {
                    try {
                        decoder.reset().decode(java.nio.ByteBuffer.wrap(current.toByteArray()));
                    } catch (CharacterCodingException e) {
                        return line;
                    }
                    if (b == -1) {
                        return line;
                    }
                    current.reset();
                    line++;
                } else {
                    current.write(b);
                }
            }
        }
    }
}

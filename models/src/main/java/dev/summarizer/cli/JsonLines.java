package dev.summarizer.cli;

import dev.summarizer.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
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

    /** Every non-blank line of {@code file} as a JSON object. */
    public static List<Row> read(Path file) {
        String text;
        try {
            byte[] bytes = Files.readAllBytes(file);
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (NoSuchFileException e) {
            throw new UserException(file + ": file not found");
        } catch (CharacterCodingException e) {
            throw new UserException(file + ": not valid UTF-8 (line " + lineOfInvalidByte(file) + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Row> rows = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                throw new UserException(file + ":" + (i + 1) + ": not valid JSON ("
                        + e.getOriginalMessage().lines().findFirst().orElse("") + ")");
            }
            if (node == null || !node.isObject()) {
                throw new UserException(file + ":" + (i + 1) + ": expected a JSON object");
            }
            rows.add(new Row(i + 1, (ObjectNode) node));
        }
        return rows;
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

    private static int lineOfInvalidByte(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            int line = 1;
            var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT);
            int start = 0;
            for (int i = 0; i <= bytes.length; i++) {
                if (i == bytes.length || bytes[i] == '\n') {
                    try {
                        decoder.reset().decode(ByteBuffer.wrap(bytes, start, i - start));
                    } catch (CharacterCodingException e) {
                        return line;
                    }
                    line++;
                    start = i + 1;
                }
            }
            return line;
        } catch (IOException e) {
            return 0;
        }
    }
}

package dev.summarizer.training.commands;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.summarizer.Json;
import dev.summarizer.cli.UserException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A JSONL file of {@code {"prediction": "...", "reference": "..." | ["...", ...]}} rows, blank lines skipped.
 * Every problem is reported as one line naming the file and the line number.
 */
final class PredictionReferenceFile {
    /** One row: its line number in the file, the prediction, and one or more references. */
    record Row(int line, String prediction, List<String> references) {}

    private static final ObjectReader JSON = Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private PredictionReferenceFile() {}

    static List<Row> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new UserException(file + ": file not found");
        }
        // Whole-file read, decoded line by line, so that a bad byte is reported on its own line.
        byte[] bytes = Files.readAllBytes(file);
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();
        List<Row> rows = new ArrayList<>();
        int lineNumber = 0;
        for (int start = 0; start < bytes.length; ) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            lineNumber++;
            String line = decode(utf8, bytes, start, end, file, lineNumber);
            if (lineNumber == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            if (!line.isBlank()) {
                rows.add(parse(line, file, lineNumber));
            }
            start = end + 1;
        }
        if (rows.isEmpty()) {
            throw new UserException(file + ": no rows to score (expected {\"prediction\": ..., \"reference\": ...} per line)");
        }
        return rows;
    }

    private static String decode(CharsetDecoder utf8, byte[] bytes, int start, int end, Path file, int lineNumber) {
        try {
            return utf8.decode(ByteBuffer.wrap(bytes, start, end - start)).toString();
        } catch (CharacterCodingException e) {
            throw new UserException(file + " line " + lineNumber + ": not UTF-8 text");
        }
    }

    private static Row parse(String line, Path file, int lineNumber) {
        String where = file + " line " + lineNumber + ": ";
        JsonNode row;
        try {
            row = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new UserException(where + "not valid JSON (" + e.getOriginalMessage().lines().findFirst().orElse("") + ")");
        }
        if (row == null || !row.isObject()) {
            throw new UserException(where + "expected a JSON object {\"prediction\": ..., \"reference\": ...}");
        }
        JsonNode prediction = row.get("prediction");
        if (prediction == null) {
            throw new UserException(where + "no \"prediction\" field");
        }
        if (!prediction.isTextual()) {
            throw new UserException(where + "\"prediction\" must be a string, got " + kind(prediction));
        }
        return new Row(lineNumber, prediction.textValue(), references(row.get("reference"), where));
    }

    private static List<String> references(JsonNode reference, String where) {
        if (reference == null) {
            throw new UserException(where + "no \"reference\" field");
        }
        if (reference.isTextual()) {
            return List.of(reference.textValue());
        }
        if (!reference.isArray()) {
            throw new UserException(where + "\"reference\" must be a string or a list of strings, got " + kind(reference));
        }
        if (reference.isEmpty()) {
            throw new UserException(where + "\"reference\" is an empty list");
        }
        List<String> references = new ArrayList<>();
        for (JsonNode item : reference) {
            if (!item.isTextual()) {
                throw new UserException(where + "\"reference\" must be a list of strings, but has " + kind(item));
            }
            references.add(item.textValue());
        }
        return references;
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case NULL -> "null";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            default -> node.getNodeType().toString().toLowerCase(Locale.ROOT);
        };
    }
}

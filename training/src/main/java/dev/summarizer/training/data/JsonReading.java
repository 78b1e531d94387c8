package dev.summarizer.training.data;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.nio.file.Path;
import java.util.Locale;

/** What the JSON readers share: one configured mapper and their error messages. */
final class JsonReading {
    static final ObjectMapper MAPPER = dev.summarizer.Json.MAPPER;

    /** Reads a whole text as one value: {@code {...} garbage} on a JSON lines row fails instead of passing. */
    static final ObjectReader WHOLE_TEXT = MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonReading() {}

    /** {@code file:line: not valid JSON at column c: what Jackson found}, on one line. */
    static DatasetException notValid(Path file, JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null ? file.toString() : file + ":" + at.getLineNr();
        String column = at == null || at.getColumnNr() < 1 ? "" : " at column " + at.getColumnNr();
        return new DatasetException(where + ": not valid JSON" + column + ": " + oneLine(e.getOriginalMessage()));
    }

    /** A JSON lines row's error, where Jackson only saw the one line. */
    static DatasetException notValid(Path file, long line, JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String column = at == null || at.getColumnNr() < 1 ? "" : " at column " + at.getColumnNr();
        return new DatasetException(file + ":" + line + ": not valid JSON" + column + ": " + oneLine(e.getOriginalMessage()));
    }

    static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    static String kind(JsonToken token) {
        if (token == null) {
            return "the end of the file";
        }
        return switch (token) {
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.name().toLowerCase(Locale.ROOT);
        };
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}

package dev.summarizer.serving;

import dev.summarizer.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.summarizer.generate.EarlyStopping;
import dev.summarizer.generate.GenerationOverrides;
import dev.summarizer.generate.InvalidTextException;
import dev.summarizer.generate.TextValidation;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and checks a summarization request body. Every problem is a 400 naming the field: invalid JSON, a
 * field we do not know, a value of the wrong type or out of range.
 */
final class RequestParser {
    /** The request fields, as the OpenAPI document lists them. */
    static final Set<String> FIELDS = Set.of("text", "texts", "max_new_tokens", "min_new_tokens", "num_beams",
            "length_penalty", "no_repeat_ngram_size", "early_stopping", "prefix", "max_source_length",
            "prompt_lookup_num_tokens");
    private static final int MAX_PREFIX_CHARS = 1000;

    private final ServerConfig config;

    RequestParser(ServerConfig config) {
        this.config = config;
    }

    SummarizeRequest parse(String body) {
        JsonNode root = bodyObject(body, "the body must be a JSON object");
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            String name = it.next().getKey();
            if (!FIELDS.contains(name)) {
                throw ApiException.badRequest("unknown_field", "unknown field \"" + name + "\"", name);
            }
        }
        boolean single = root.has("text");
        if (single == root.has("texts")) {
            throw ApiException.badRequest("invalid_request", "give either \"text\" or \"texts\"", single ? "texts" : "text");
        }
        List<String> texts = new ArrayList<>();
        if (single) {
            texts.add(text(root.get("text"), "text"));
        } else {
            JsonNode array = root.get("texts");
            if (!array.isArray()) {
                throw ApiException.badRequest("invalid_type", "\"texts\" must be an array of strings", "texts");
            }
            texts.addAll(texts(array, "\"texts\"", "texts", config.maxTexts()));
        }
        Integer maxNew = integer(root, "max_new_tokens", 1, config.maxNewTokensLimit());
        Integer minNew = integer(root, "min_new_tokens", 0, config.maxNewTokensLimit());
        if (maxNew != null && minNew != null && minNew > maxNew) {
            throw ApiException.badRequest("out_of_range", "min_new_tokens (" + minNew + ") must not exceed max_new_tokens ("
                    + maxNew + ")", "min_new_tokens");
        }
        return new SummarizeRequest(texts, single, new GenerationOverrides(maxNew, minNew,
                integer(root, "num_beams", 1, config.maxBeams()),
                number(root, "length_penalty", -100, 100),
                earlyStopping(root),
                integer(root, "no_repeat_ngram_size", 0, 1000),
                prefix(root),
                integer(root, "max_source_length", 2, config.maxInputTokens()), null,
                integer(root, "prompt_lookup_num_tokens", 0, 1000)));
    }

    /** The JSON object a request body holds; a 400 when it is not JSON, or not an object ({@code notAnObject}). */
    static JsonNode bodyObject(String body, String notAnObject) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("invalid_json", "the body is not valid JSON: "
                    + e.getOriginalMessage().lines().findFirst().orElse(""), null);
        }
        if (root == null || !root.isObject()) {
            throw ApiException.badRequest("invalid_request", notAnObject, null);
        }
        return root;
    }

    /**
     * The texts of the array {@code field} (called {@code label} in messages): 1 to {@code maxTexts} of them, each
     * checked as {@link #text} checks one.
     */
    static List<String> texts(JsonNode array, String label, String field, int maxTexts) {
        if (array.isEmpty() || array.size() > maxTexts) {
            throw ApiException.badRequest("out_of_range", label + " must hold 1 to " + maxTexts + " texts, got "
                    + array.size(), field);
        }
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            texts.add(text(array.get(i), field + "[" + i + "]"));
        }
        return texts;
    }

    static String text(JsonNode node, String field) {
        if (!node.isTextual()) {
            throw ApiException.badRequest("invalid_type", field + " must be a string", field);
        }
        try {
            TextValidation.check(node.asText());
        } catch (InvalidTextException e) {
            throw ApiException.badRequest("invalid_text", e.getMessage(), field);
        }
        return node.asText();
    }

    private static Integer integer(JsonNode root, String field, int min, int max) {
        return integerValue(root.get(field), field, min, max);
    }

    /** {@code node} as an integer in [min, max]; null when absent. Errors name {@code field}. */
    static Integer integerValue(JsonNode node, String field, int min, int max) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw ApiException.badRequest("invalid_type", field + " must be an integer", field);
        }
        int value = node.asInt();
        if (value < min || value > max) {
            throw ApiException.badRequest("out_of_range", field + " must be between " + min + " and " + max + ", got " + value,
                    field);
        }
        return value;
    }

    private static Double number(JsonNode root, String field, double min, double max) {
        return numberValue(root.get(field), field, min, max);
    }

    static Double numberValue(JsonNode node, String field, double min, double max) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isNumber()) {
            throw ApiException.badRequest("invalid_type", field + " must be a number", field);
        }
        double value = node.asDouble();
        if (!(value >= min && value <= max)) {
            throw ApiException.badRequest("out_of_range", field + " must be between " + min + " and " + max + ", got " + node,
                    field);
        }
        return value;
    }

    private static EarlyStopping earlyStopping(JsonNode root) {
        return earlyStoppingValue(root.get("early_stopping"), "early_stopping");
    }

    static EarlyStopping earlyStoppingValue(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isBoolean()) {
            return node.asBoolean() ? EarlyStopping.TRUE : EarlyStopping.FALSE;
        }
        if (node.isTextual() && node.asText().equals("never")) {
            return EarlyStopping.NEVER;
        }
        throw ApiException.badRequest("invalid_type", field + " must be true, false or \"never\"", field);
    }

    private static String prefix(JsonNode root) {
        return prefixValue(root.get("prefix"), "prefix");
    }

    static String prefixValue(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw ApiException.badRequest("invalid_type", field + " must be a string", field);
        }
        if (node.asText().length() > MAX_PREFIX_CHARS) {
            throw ApiException.badRequest("out_of_range", field + " must be at most " + MAX_PREFIX_CHARS + " characters", field);
        }
        String problem = TextValidation.characterProblem(node.asText(), field);
        if (problem != null) {
            throw ApiException.badRequest("invalid_text", problem, field);
        }
        return node.asText();
    }
}

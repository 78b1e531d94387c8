package dev.summarizer.serving;

import com.fasterxml.jackson.databind.JsonNode;
import dev.summarizer.Json;
import dev.summarizer.generate.GenerationOverrides;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the Hugging Face Inference API's summarization body, what {@code huggingface_hub.InferenceClient.summarization}
 * and code written for {@code api-inference.huggingface.co/models/ID} send:
 * {@code {"inputs": "..." | ["...", ...], "parameters": {...}, "options": {...}}}.
 *
 * <p>{@code parameters} takes the task's own keys ({@code clean_up_tokenization_spaces}, {@code truncation},
 * {@code generate_parameters}, an object of generation keys) and the generation keys directly, as the transformers
 * pipeline takes them: {@code max_new_tokens}, {@code min_new_tokens}, {@code num_beams}, {@code length_penalty},
 * {@code no_repeat_ngram_size}, {@code early_stopping}, and {@code max_length} / {@code min_length} with
 * {@code generate()}'s meaning for an encoder-decoder (decoder tokens counting the start token, so max_new_tokens is one
 * less; max_new_tokens wins when both are given), {@code do_sample} false (sampling is not built), and this server's
 * {@code prefix} and {@code max_source_length}. {@code options} ({@code use_cache}, {@code wait_for_model}) are
 * accepted and change nothing. Any other key is a 400 that names it.
 */
final class InferenceApiParser {
    private static final Set<String> TOP_LEVEL = Set.of("inputs", "parameters", "options");
    private static final Set<String> TASK_PARAMETERS = Set.of("clean_up_tokenization_spaces", "truncation", "generate_parameters");
    private static final Set<String> GENERATION_PARAMETERS = Set.of("max_new_tokens", "min_new_tokens", "num_beams",
            "length_penalty", "no_repeat_ngram_size", "early_stopping", "max_length", "min_length", "do_sample", "prefix",
            "max_source_length");
    private static final Set<String> OPTIONS = Set.of("use_cache", "wait_for_model");

    /** What truncation strategy a request asked for. */
    enum Truncation {
        /** Cut the input to the limit (the default; longest_first and only_first mean this for one text). */
        TRUNCATE,
        /** Refuse an input over the limit (do_not_truncate): 422 rather than reading past what the server allows. */
        REJECT
    }

    /**
     * A parsed request: the texts and settings, whether decoding cleans up tokenization spaces (null for the
     * tokenizer's own setting), and the truncation asked for.
     */
    record Request(SummarizeRequest request, Boolean cleanUpSpaces, Truncation truncation) {}

    private final ServerConfig config;

    InferenceApiParser(ServerConfig config) {
        this.config = config;
    }

    Request parse(String body) {
        JsonNode root = RequestParser.bodyObject(body, "the body must be a JSON object with \"inputs\"");
        onlyKnown(root, TOP_LEVEL, "", "field");
        JsonNode inputs = root.get("inputs");
        if (inputs == null || inputs.isNull()) {
            throw ApiException.badRequest("invalid_request", "the body needs \"inputs\": a text or a list of texts", "inputs");
        }
        List<String> texts = new ArrayList<>();
        boolean single = inputs.isTextual();
        if (single) {
            texts.add(RequestParser.text(inputs, "inputs"));
        } else if (inputs.isArray()) {
            texts.addAll(RequestParser.texts(inputs, "inputs", "inputs", config.maxTexts()));
        } else {
            throw ApiException.badRequest("invalid_type", "inputs must be a string or an array of strings", "inputs");
        }
        JsonNode options = object(root, "options", "options");
        onlyKnown(options, OPTIONS, "options.", "option");

        JsonNode parameters = object(root, "parameters", "parameters");
        for (Iterator<String> it = parameters.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!TASK_PARAMETERS.contains(key) && !GENERATION_PARAMETERS.contains(key)) {
                throw unknown("parameters." + key, "parameter");
            }
        }
        JsonNode nested = object(parameters, "generate_parameters", "parameters.generate_parameters");
        onlyKnown(nested, GENERATION_PARAMETERS, "parameters.generate_parameters.", "generation parameter");
        Generation direct = generation(parameters, "parameters.");
        Generation inner = generation(nested, "parameters.generate_parameters.");
        return new Request(new SummarizeRequest(texts, single, inner.over(direct).overrides()), cleanUp(parameters),
                truncation(parameters));
    }

    /** The generation keys of one object; fields are named with {@code path} before them. */
    private record Generation(Integer maxNew, Integer minNew, Integer beams, Double lengthPenalty,
            dev.summarizer.generate.EarlyStopping earlyStopping, Integer noRepeatNgram, String prefix, Integer maxSourceLength) {

        /** This object's keys, and {@code under}'s where this one does not give them. */
        Generation over(Generation under) {
            return new Generation(first(maxNew, under.maxNew), first(minNew, under.minNew), first(beams, under.beams),
                    first(lengthPenalty, under.lengthPenalty), first(earlyStopping, under.earlyStopping),
                    first(noRepeatNgram, under.noRepeatNgram), first(prefix, under.prefix),
                    first(maxSourceLength, under.maxSourceLength));
        }

        private static <T> T first(T a, T b) {
            return a != null ? a : b;
        }

        GenerationOverrides overrides() {
            if (maxNew != null && minNew != null && minNew > maxNew) {
                throw ApiException.badRequest("out_of_range", "the minimum length (" + minNew
                        + " new tokens) must not exceed the maximum (" + maxNew + ")", "min_new_tokens");
            }
            return new GenerationOverrides(maxNew, minNew, beams, lengthPenalty, earlyStopping, noRepeatNgram, prefix,
                    maxSourceLength);
        }
    }

    private Generation generation(JsonNode node, String path) {
        int limit = config.maxNewTokensLimit();
        Integer maxNew = RequestParser.integerValue(node.get("max_new_tokens"), path + "max_new_tokens", 1, limit);
        if (maxNew == null) {
            Integer maxLength = RequestParser.integerValue(node.get("max_length"), path + "max_length", 2, limit + 1);
            maxNew = maxLength == null ? null : maxLength - 1;
        }
        Integer minNew = RequestParser.integerValue(node.get("min_new_tokens"), path + "min_new_tokens", 0, limit);
        if (minNew == null) {
            Integer minLength = RequestParser.integerValue(node.get("min_length"), path + "min_length", 0, limit + 1);
            minNew = minLength == null ? null : Math.max(0, minLength - 1);
        }
        JsonNode sample = node.get("do_sample");
        if (sample != null && !sample.isNull()) {
            if (!sample.isBoolean()) {
                throw ApiException.badRequest("invalid_type", path + "do_sample must be a boolean", path + "do_sample");
            }
            if (sample.asBoolean()) {
                throw ApiException.badRequest("out_of_range", path + "do_sample: sampling is not supported; this server "
                        + "decodes greedily or with beam search", path + "do_sample");
            }
        }
        return new Generation(maxNew, minNew,
                RequestParser.integerValue(node.get("num_beams"), path + "num_beams", 1, config.maxBeams()),
                RequestParser.numberValue(node.get("length_penalty"), path + "length_penalty", -100, 100),
                RequestParser.earlyStoppingValue(node.get("early_stopping"), path + "early_stopping"),
                RequestParser.integerValue(node.get("no_repeat_ngram_size"), path + "no_repeat_ngram_size", 0, 1000),
                RequestParser.prefixValue(node.get("prefix"), path + "prefix"),
                RequestParser.integerValue(node.get("max_source_length"), path + "max_source_length", 2, config.maxInputTokens()));
    }

    private static Boolean cleanUp(JsonNode parameters) {
        JsonNode node = parameters.get("clean_up_tokenization_spaces");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isBoolean()) {
            throw ApiException.badRequest("invalid_type", "parameters.clean_up_tokenization_spaces must be a boolean",
                    "parameters.clean_up_tokenization_spaces");
        }
        return node.asBoolean();
    }

    private static Truncation truncation(JsonNode parameters) {
        JsonNode node = parameters.get("truncation");
        if (node == null || node.isNull()) {
            return Truncation.TRUNCATE;
        }
        String field = "parameters.truncation";
        if (!node.isTextual()) {
            throw ApiException.badRequest("invalid_type", field + " must be a string", field);
        }
        return switch (node.asText()) {
            case "longest_first", "only_first" -> Truncation.TRUNCATE;
            case "do_not_truncate" -> Truncation.REJECT;
            case "only_second" -> throw ApiException.badRequest("out_of_range", field
                    + ": only_second truncates the second text of a pair, and summarization reads one", field);
            default -> throw ApiException.badRequest("out_of_range", field + " must be do_not_truncate, longest_first, "
                    + "only_first or only_second, got \"" + node.asText() + "\"", field);
        };
    }

    /** {@code root.key} as an object; an empty one when absent. */
    private static JsonNode object(JsonNode root, String key, String field) {
        JsonNode node = root.get(key);
        if (node == null || node.isNull()) {
            return Json.MAPPER.createObjectNode();
        }
        if (!node.isObject()) {
            throw ApiException.badRequest("invalid_type", field + " must be an object", field);
        }
        return node;
    }

    private static void onlyKnown(JsonNode node, Set<String> known, String path, String kind) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            String key = it.next().getKey();
            if (!known.contains(key)) {
                throw unknown(path + key, kind);
            }
        }
    }

    private static ApiException unknown(String field, String kind) {
        return ApiException.badRequest("unknown_field", "unknown " + kind + " \"" + field + "\"", field);
    }
}

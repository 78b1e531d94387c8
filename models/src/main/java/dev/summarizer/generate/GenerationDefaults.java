package dev.summarizer.generate;

import dev.summarizer.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.ModelFormatException;
import dev.summarizer.model.T5Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A model's default generation settings, layered as a Hugging Face summarization pipeline layers them:
 * transformers' defaults, then generation_config.json, then config.json's
 * {@code task_specific_params.summarization} (where t5-small keeps its beams, lengths and "summarize: ").
 * {@code max_length} and {@code min_length} count the decoder start token; {@code max_new_tokens} and
 * {@code min_new_tokens}, which win over them, do not.
 */
public final class GenerationDefaults {
    private static final ObjectMapper JSON = Json.MAPPER;
    /**
     * Where config.json keeps a source template ({@code train --source-template}); transformers keeps unknown keys as
     * they are, and its own pipeline, which knows only prefixes, ignores it.
     */
    public static final String SOURCE_TEMPLATE = "source_template";

    private GenerationDefaults() {}

    public static GenerationSettings of(ModelFolder folder, T5Config config) {
        ObjectNode layered = JSON.createObjectNode();
        Path generation = folder.file(ModelFolder.GENERATION_CONFIG);
        if (Files.isRegularFile(generation)) {
            try {
                JsonNode node = JSON.readTree(generation.toFile());
                if (node != null && node.isObject()) {
                    layered.setAll((ObjectNode) node);
                } else {
                    throw new ModelFormatException(generation + ": expected a JSON object");
                }
            } catch (IOException e) {
                throw new ModelFormatException(generation + ": not valid JSON");
            }
        }
        JsonNode template = config.json().get(SOURCE_TEMPLATE);
        if (template != null && template.isTextual()) {
            layered.put(SOURCE_TEMPLATE, template.asText());
        }
        JsonNode task = config.json().path("task_specific_params").path("summarization");
        if (task.isObject()) {
            // Field by field, as the pipeline's generation_config.update(**task) does: a max_new_tokens from
            // generation_config.json stays and still outranks a task's max_length.
            layered.setAll((ObjectNode) task);
        }
        return fromJson(layered, generation.toString());
    }

    /** Reads generate()-style fields; {@code source} names the file in errors. */
    static GenerationSettings fromJson(JsonNode json, String source) {
        DecodingSettings d = DecodingSettings.defaults();
        int maxNew = d.maxNewTokens();
        if (json.has("max_new_tokens")) {
            maxNew = positive(json, "max_new_tokens", source);
        } else if (json.has("max_length")) {
            maxNew = Math.max(1, positive(json, "max_length", source) - 1);
        }
        int minNew = 0;
        if (json.has("min_new_tokens")) {
            minNew = nonNegative(json, "min_new_tokens", source);
        } else if (json.has("min_length")) {
            minNew = Math.max(0, nonNegative(json, "min_length", source) - 1);
        }
        EarlyStopping early = d.earlyStopping();
        JsonNode e = json.get("early_stopping");
        if (e != null && !e.isNull()) {
            early = EarlyStopping.parse(e.asText());
            if (early == null) {
                throw new ModelFormatException(source + ": early_stopping must be true, false or \"never\", got " + e);
            }
        }
        JsonNode prefix = json.get("prefix");
        DecodingSettings decoding = new DecodingSettings(maxNew, Math.min(minNew, maxNew),
                json.has("num_beams") ? positive(json, "num_beams", source) : d.numBeams(),
                json.has("length_penalty") ? json.get("length_penalty").asDouble() : d.lengthPenalty(),
                early,
                json.has("no_repeat_ngram_size") ? nonNegative(json, "no_repeat_ngram_size", source) : 0);
        JsonNode template = json.get(SOURCE_TEMPLATE);
        return new GenerationSettings(new SourceSettings(prefix != null && prefix.isTextual() ? prefix.asText() : "",
                template != null && template.isTextual() ? template.asText() : null, SourceSettings.DEFAULT_MAX_SOURCE_LENGTH),
                decoding);
    }

    private static int positive(JsonNode json, String field, String source) {
        int v = nonNegative(json, field, source);
        if (v < 1) {
            throw new ModelFormatException(source + ": " + field + " must be at least 1, got " + v);
        }
        return v;
    }

    private static int nonNegative(JsonNode json, String field, String source) {
        JsonNode v = json.get(field);
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 0) {
            throw new ModelFormatException(source + ": " + field + " must be a non-negative integer, got " + v);
        }
        return v.asInt();
    }
}

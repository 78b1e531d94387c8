package dev.summarizer.commands;

import dev.summarizer.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.summarizer.model.ModelFormatException;
import java.io.IOException;
import java.nio.file.Path;

/** How many token ids a tokenizer.json uses, to check it against a config's vocab_size. */
final class TokenizerVocabulary {
    private TokenizerVocabulary() {}

    static int size(Path tokenizerJson) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(tokenizerJson.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(tokenizerJson + ": not a readable tokenizer.json (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        JsonNode vocab = root.path("model").path("vocab");
        int maxId = -1;
        if (vocab.isArray()) { // Unigram: [[piece, score], ...] indexed by id
            maxId = vocab.size() - 1;
        } else if (vocab.isObject()) { // BPE, WordPiece, WordLevel: {token: id}
            for (JsonNode id : vocab) {
                maxId = Math.max(maxId, id.asInt());
            }
        } else {
            throw new ModelFormatException(tokenizerJson + ": no model.vocab in tokenizer.json");
        }
        for (JsonNode added : root.path("added_tokens")) {
            maxId = Math.max(maxId, added.path("id").asInt());
        }
        return maxId + 1;
    }
}

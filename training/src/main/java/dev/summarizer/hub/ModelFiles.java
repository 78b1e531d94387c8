package dev.summarizer.hub;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which files of a model repository make this project's model folder: config.json, the safetensors weights
 * (one file, or an index and its shards), generation_config.json and the tokenizer files when the
 * repository has them. Repositories also hold PyTorch, TensorFlow, Flax, ONNX and Rust copies of the
 * weights; those are left alone.
 */
public final class ModelFiles {
    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";
    public static final String WEIGHTS_INDEX = "model.safetensors.index.json";
    public static final String TOKENIZER = "tokenizer.json";
    public static final List<String> OPTIONAL = List.of("generation_config.json", TOKENIZER, "tokenizer_config.json",
            "special_tokens_map.json", "spiece.model");

    private ModelFiles() {}

    /**
     * The files to download, small ones first so that a problem shows before the long download: the optional
     * files the repository has, config.json, then the weights (or their index, whose shards come from
     * {@link #shards}).
     */
    public static List<String> select(ModelListing listing) {
        String repo = listing.id();
        if (!listing.has(CONFIG)) {
            throw new HubException(repo + ": the repository has no config.json (is it a Transformers model?)");
        }
        String weights;
        if (listing.has(WEIGHTS)) {
            weights = WEIGHTS;
        } else if (listing.has(WEIGHTS_INDEX)) {
            weights = WEIGHTS_INDEX;
        } else if (listing.has("pytorch_model.bin") || listing.has("pytorch_model.bin.index.json")) {
            throw new HubException(repo + ": the repository has only PyTorch weights (pytorch_model.bin); this project"
                    + " reads safetensors (model.safetensors)");
        } else {
            throw new HubException(repo + ": the repository has no model.safetensors");
        }
        List<String> files = new ArrayList<>();
        for (String optional : OPTIONAL) {
            if (listing.has(optional)) {
                files.add(optional);
            }
        }
        files.add(CONFIG);
        files.add(weights);
        return files;
    }

    /** The shard files a model.safetensors.index.json names in its weight_map, each once, in order. */
    public static List<String> shards(JsonNode index, ModelListing listing) {
        JsonNode map = index.path("weight_map");
        if (!map.isObject() || map.isEmpty()) {
            throw new HubException(listing.id() + "/" + WEIGHTS_INDEX + ": no weight_map");
        }
        Set<String> shards = new LinkedHashSet<>();
        map.forEach(file -> shards.add(file.asText()));
        for (String shard : shards) {
            if (!listing.has(shard) || shard.contains("..") || shard.startsWith("/")) {
                throw new HubException(listing.id() + "/" + WEIGHTS_INDEX + ": names " + shard
                        + ", which the repository does not have");
            }
        }
        return List.copyOf(shards);
    }
}

package dev.summarizer.model;

import dev.summarizer.Json;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Hugging Face model folder, exactly as {@code save_pretrained} writes it: config.json,
 * generation_config.json, model.safetensors, the tokenizer files, and after export the ONNX files in onnx/.
 */
public record ModelFolder(Path dir) {
    public static final String CONFIG = "config.json";
    public static final String GENERATION_CONFIG = "generation_config.json";
    public static final String WEIGHTS = "model.safetensors";

    private static final ObjectMapper JSON = Json.MAPPER;
    /** This project's version, recorded in the config.json files it writes. */
    public static final String VERSION = "0.1.0";

    /** Opens an existing folder; a missing folder or config.json is reported in one line. */
    public static ModelFolder open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ModelFormatException(dir + ": model folder not found");
        }
        if (!Files.isRegularFile(dir.resolve(CONFIG))) {
            throw new ModelFormatException(dir.resolve(CONFIG) + ": file not found (is " + dir + " a model folder?)");
        }
        return new ModelFolder(dir);
    }

    public Path file(String name) {
        return dir.resolve(name);
    }

    public T5Config readConfig() {
        return T5Config.read(file(CONFIG));
    }

    /** The weights, from model.safetensors or from the shards of model.safetensors.index.json. */
    public T5Weights readWeights(T5Config config) {
        return T5Weights.read(WeightFiles.in(dir), config);
    }

    /** The files the weights are in (for comparing their age with other files'). */
    public WeightFiles weightFiles() {
        return WeightFiles.in(dir);
    }

    public T5Weights readWeights() {
        return readWeights(readConfig());
    }

    /**
     * Writes config.json, model.safetensors and (when {@code generationConfig} is not null)
     * generation_config.json into {@code folder}.
     */
    public static void writeModel(Path folder, T5Weights weights, ObjectNode generationConfig) throws IOException {
        writeModel(folder, weights, generationConfig, WeightFiles.DEFAULT_MAX_SHARD_BYTES);
    }

    /** {@link #writeModel(Path, T5Weights, ObjectNode)} with the weights in shards of at most {@code maxShardBytes}. */
    public static void writeModel(Path folder, T5Weights weights, ObjectNode generationConfig, long maxShardBytes)
            throws IOException {
        Files.writeString(folder.resolve(CONFIG), configJson(weights));
        WeightFiles.write(folder, weights.tensors(), maxShardBytes);
        if (generationConfig != null) {
            Files.writeString(folder.resolve(GENERATION_CONFIG), pretty(generationConfig));
        }
    }

    /**
     * The config.json to save beside {@code weights}. When the weights have their own lm_head but the
     * configuration still says tied (as transformers 5 writes it), the file says untied and states the output
     * scaling, so that transformers 4 and 5 both read the model as it is.
     */
    static String configJson(T5Weights weights) {
        T5Config c = weights.config();
        ObjectNode json = c.json().deepCopy();
        // The weights are written in float32 whatever they were read as: say so, or transformers loads them as the
        // dtype the input folder named (bfloat16, float16).
        boolean named = false;
        for (String field : new String[] {"dtype", "torch_dtype"}) {
            if (json.has(field)) {
                json.put(field, "float32");
                named = true;
            }
        }
        if (!named) {
            json.put("dtype", "float32");
        }
        // Provenance fields of whatever wrote the input (a preset's "./models/pytorch/t5-small", an old transformers
        // version) would be wrong about this file.
        json.remove("_name_or_path");
        json.remove("transformers_version");
        json.put("summarizer_version", VERSION);
        if (weights.layout().hasSeparateLmHead() && c.tieWordEmbeddings()) {
            json.put("tie_word_embeddings", false);
            json.put("scale_decoder_outputs", c.scaleDecoderOutputs());
        }
        return pretty(json);
    }

    /** The generation_config.json transformers derives from a T5 config. */
    public static ObjectNode defaultGenerationConfig(T5Config c) {
        ObjectNode json = JSON.createObjectNode();
        json.put("_from_model_config", true);
        json.put("decoder_start_token_id", c.decoderStartTokenId());
        json.put("eos_token_id", c.eosTokenId());
        json.put("pad_token_id", c.padTokenId());
        return json;
    }

    public static String pretty(ObjectNode json) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.summarizer.model;

import dev.summarizer.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;

/**
 * Every field of a Hugging Face T5 {@code config.json} that changes the math, read once and checked.
 * The original JSON is kept so that a model folder written back carries the fields we do not model.
 *
 * @param scaleDecoderOutputs whether the decoder output is multiplied by {@code d_model^-0.5} before
 *     the lm_head. Transformers 5 writes it explicitly; older configs imply it from
 *     {@code tie_word_embeddings}.
 */
public record T5Config(
        int vocabSize,
        int dModel,
        int dKv,
        int dFf,
        int numLayers,
        int numDecoderLayers,
        int numHeads,
        int relativeAttentionNumBuckets,
        int relativeAttentionMaxDistance,
        double dropoutRate,
        double layerNormEpsilon,
        double initializerFactor,
        FeedForwardActivation activation,
        boolean gatedActivation,
        boolean tieWordEmbeddings,
        boolean scaleDecoderOutputs,
        int padTokenId,
        int eosTokenId,
        int decoderStartTokenId,
        ObjectNode json) {

    private static final ObjectMapper JSON = Json.MAPPER;
    private static final Set<String> SUPPORTED_MODEL_TYPES = Set.of("t5", "mt5");

    /** Width of the concatenated attention heads, {@code num_heads * d_kv} (not always d_model). */
    public int innerDim() {
        return numHeads * dKv;
    }

    public static T5Config read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(file + ": file not found");
        } catch (IOException e) {
            throw new ModelFormatException(file + ": cannot read: " + e.getMessage());
        }
        return parse(text, file.toString());
    }

    /** Parses config.json text; {@code source} names the file in error messages. */
    public static T5Config parse(String text, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(source + ": not valid JSON (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new ModelFormatException(source + ": expected a JSON object");
        }
        return fromJson((ObjectNode) root, source);
    }

    static T5Config fromJson(ObjectNode json, String source) {
        var fields = new Fields(json, source);
        String modelType = fields.string("model_type", null);
        if (modelType == null) {
            throw new ModelFormatException(source + ": missing field model_type (expected \"t5\")");
        }
        if (!SUPPORTED_MODEL_TYPES.contains(modelType)) {
            throw new ModelFormatException(source + ": model_type \"" + modelType
                    + "\" is not supported (this project runs T5-family models: t5, mt5)");
        }
        // Upper bounds far above any published T5 (t5-11b: d_model 1024, d_ff 65536, 128 heads; mT5: 250,112 tokens),
        // so that a mistyped or hostile config.json fails here, in one line, not as an overflow or an allocation later.
        int dModel = fields.positiveInt("d_model", null, 1 << 16);
        int numHeads = fields.positiveInt("num_heads", null, 1 << 10);
        int numLayers = fields.positiveInt("num_layers", null, 1 << 10);
        int numDecoderLayers = fields.positiveInt("num_decoder_layers", numLayers, 1 << 10);
        int dKv = fields.positiveInt("d_kv", null, 1 << 12);
        int dFf = fields.positiveInt("d_ff", null, 1 << 20);
        int vocabSize = fields.positiveInt("vocab_size", null, 1 << 22);
        int buckets = fields.positiveInt("relative_attention_num_buckets", 32, 1 << 12);
        int maxDistance = fields.positiveInt("relative_attention_max_distance", 128, 1 << 20);
        if (buckets < 4) {
            throw new ModelFormatException(source + ": relative_attention_num_buckets must be at least 4, got " + buckets);
        }
        fields.fitsOneTensor("vocab_size x d_model", (long) vocabSize * dModel);
        fields.fitsOneTensor("d_model x d_ff", (long) dModel * dFf);
        fields.fitsOneTensor("d_model x num_heads x d_kv", (long) dModel * numHeads * dKv);

        // Transformers derives the activation from feed_forward_proj ("relu", "gated-gelu", "gated-silu"...);
        // "gated-gelu" means the tanh approximation for backwards compatibility.
        String projection = fields.string("feed_forward_proj", "relu");
        String[] parts = projection.split("-");
        boolean gated = parts.length == 2 && parts[0].equals("gated");
        if (parts.length > 2 || (parts.length == 2 && !gated)) {
            throw new ModelFormatException(source + ": feed_forward_proj \"" + projection
                    + "\" is not of the form ACT or gated-ACT");
        }
        String activationName = projection.equals("gated-gelu") ? "gelu_new" : parts[parts.length - 1];
        FeedForwardActivation activation = FeedForwardActivation.fromHuggingFaceName(activationName);
        if (activation == null) {
            throw new ModelFormatException(source + ": feed_forward_proj \"" + projection
                    + "\" uses activation \"" + activationName + "\", which is not supported (relu, gelu, gelu_new, silu)");
        }

        boolean tie = fields.bool("tie_word_embeddings", true);
        boolean scale = fields.bool("scale_decoder_outputs", tie);
        double dropout = fields.number("dropout_rate", 0.1);
        if (dropout < 0 || dropout >= 1) {
            throw new ModelFormatException(source + ": dropout_rate must be in [0, 1), got " + dropout);
        }
        double epsilon = fields.number("layer_norm_epsilon", 1e-6);
        if (!(epsilon > 0)) {
            throw new ModelFormatException(source + ": layer_norm_epsilon must be positive, got " + epsilon);
        }
        int pad = fields.tokenId("pad_token_id", 0, vocabSize);
        int eos = fields.tokenId("eos_token_id", 1, vocabSize);
        int start = fields.tokenId("decoder_start_token_id", pad, vocabSize);
        return new T5Config(vocabSize, dModel, dKv, dFf, numLayers, numDecoderLayers, numHeads, buckets,
                maxDistance, dropout, epsilon, fields.number("initializer_factor", 1.0), activation, gated, tie,
                scale, pad, eos, start, json);
    }

    /** The same configuration with another {@code dropout_rate} (the {@code --dropout} override). */
    public T5Config withDropoutRate(double rate) {
        ObjectNode copy = json.deepCopy();
        copy.put("dropout_rate", rate);
        return fromJson(copy, "config");
    }

    /** Typed access to config fields with one-line errors that name the file and the field. */
    private record Fields(ObjectNode json, String source) {

        String string(String name, String fallback) {
            JsonNode node = json.get(name);
            if (node == null || node.isNull()) {
                return fallback;
            }
            if (!node.isTextual()) {
                throw new ModelFormatException(source + ": field " + name + " must be a string, got " + node);
            }
            return node.asText();
        }

        int positiveInt(String name, Integer fallback, int max) {
            JsonNode node = json.get(name);
            if (node == null || node.isNull()) {
                if (fallback == null) {
                    throw new ModelFormatException(source + ": missing field " + name);
                }
                return fallback;
            }
            if (!node.isIntegralNumber() || node.asLong() < 1) {
                throw new ModelFormatException(source + ": field " + name + " must be a positive integer, got " + node);
            }
            if (!node.canConvertToLong() || node.asLong() > max) {
                throw new ModelFormatException(source + ": field " + name + " is " + node + ", more than any T5 has (at most "
                        + max + ")");
            }
            return node.asInt();
        }

        /** A weight matrix of {@code elements} values must fit one float32 tensor (2^31 - 9 values in Java). */
        void fitsOneTensor(String what, long elements) {
            if (elements > Integer.MAX_VALUE - 8) {
                throw new ModelFormatException(source + ": " + what + " = " + elements
                        + " values, more than one weight tensor can hold");
            }
        }

        int tokenId(String name, int fallback, int vocabSize) {
            JsonNode node = json.get(name);
            if (node == null || node.isNull()) {
                return fallback;
            }
            if (node.isArray() && !node.isEmpty()) {
                node = node.get(0); // generation configs may list several EOS ids; the first is the model's own
            }
            if (!node.isIntegralNumber() || node.asLong() < 0 || node.asLong() >= vocabSize) {
                throw new ModelFormatException(source + ": field " + name + " must be a token id in [0, "
                        + vocabSize + "), got " + node);
            }
            return node.asInt();
        }

        double number(String name, double fallback) {
            JsonNode node = json.get(name);
            if (node == null || node.isNull()) {
                return fallback;
            }
            if (!node.isNumber()) {
                throw new ModelFormatException(source + ": field " + name + " must be a number, got " + node);
            }
            return node.asDouble();
        }

        boolean bool(String name, boolean fallback) {
            JsonNode node = json.get(name);
            if (node == null || node.isNull()) {
                return fallback;
            }
            if (!node.isBoolean()) {
                throw new ModelFormatException(source + ": field " + name + " must be true or false, got " + node);
            }
            return node.asBoolean();
        }
    }
}

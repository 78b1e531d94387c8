package dev.summarizer.export;

import dev.summarizer.onnx.Dim;

/**
 * File, input, output and dynamic-axis names of Hugging Face Optimum's seq2seq ONNX export, which
 * Optimum's ORTModelForSeq2SeqLM, transformers.js and this project's generation loop all read.
 *
 * <p>Axis names follow current Optimum, except that the cached encoder keys and values use Optimum 1.x's
 * {@code encoder_sequence_length_out}: on its first step transformers.js feeds an empty encoder cache next
 * to a full {@code encoder_hidden_states}, and distinct names keep those axes independent.
 */
public final class OptimumLayout {
    public static final String ONNX_FOLDER = "onnx";
    public static final String ENCODER_FILE = "encoder_model.onnx";
    public static final String DECODER_FILE = "decoder_model.onnx";
    public static final String DECODER_WITH_PAST_FILE = "decoder_with_past_model.onnx";
    public static final String DECODER_MERGED_FILE = "decoder_model_merged.onnx";

    public static final String INPUT_IDS = "input_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    public static final String LAST_HIDDEN_STATE = "last_hidden_state";
    public static final String ENCODER_ATTENTION_MASK = "encoder_attention_mask";
    public static final String ENCODER_HIDDEN_STATES = "encoder_hidden_states";
    public static final String USE_CACHE_BRANCH = "use_cache_branch";
    public static final String LOGITS = "logits";

    public static final Dim BATCH = Dim.named("batch_size");
    public static final Dim ENCODER_LENGTH = Dim.named("encoder_sequence_length");
    public static final Dim DECODER_LENGTH = Dim.named("decoder_sequence_length");
    public static final Dim PAST_DECODER_LENGTH = Dim.named("past_decoder_sequence_length");
    public static final Dim PRESENT_DECODER_LENGTH = Dim.named("past_decoder_sequence_length + decoder_sequence_length");
    public static final Dim CACHED_ENCODER_LENGTH = Dim.named("encoder_sequence_length_out");

    private OptimumLayout() {}

    /** {@code past_key_values.{layer}.{decoder|encoder}.{key|value}} */
    public static String pastName(int layer, boolean crossAttention, boolean value) {
        return "past_key_values." + cacheSuffix(layer, crossAttention, value);
    }

    /** {@code present.{layer}.{decoder|encoder}.{key|value}} */
    public static String presentName(int layer, boolean crossAttention, boolean value) {
        return "present." + cacheSuffix(layer, crossAttention, value);
    }

    private static String cacheSuffix(int layer, boolean crossAttention, boolean value) {
        return layer + (crossAttention ? ".encoder." : ".decoder.") + (value ? "value" : "key");
    }
}

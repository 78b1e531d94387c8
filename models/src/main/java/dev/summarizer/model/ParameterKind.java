package dev.summarizer.model;

/** What a T5 parameter does, which decides its initialisation and whether weight decay applies to it. */
public enum ParameterKind {
    EMBEDDING,
    LM_HEAD,
    ATTENTION_QUERY,
    /** The key and value projections. */
    ATTENTION_KEY_VALUE,
    ATTENTION_OUTPUT,
    RELATIVE_ATTENTION_BIAS,
    /** {@code wi}, or {@code wi_0} and {@code wi_1} in the gated form. */
    FEED_FORWARD_IN,
    FEED_FORWARD_OUT,
    LAYER_NORM,
    /** A LoRA adapter's factor ({@code lora_A} or {@code lora_B}), trained beside frozen weights. */
    LORA_ADAPTER;

    /**
     * Whether AdamW's weight decay applies, as the Hugging Face Trainer groups parameters: it skips every name that
     * contains "bias" or a layer-norm pattern, so T5's layer norms and its {@code relative_attention_bias} table
     * (an embedding, but named a bias) do not decay. LoRA factors decay: their names have neither.
     */
    public boolean decays() {
        return this != LAYER_NORM && this != RELATIVE_ATTENTION_BIAS;
    }
}

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
    LAYER_NORM;

    /** The Trainer's AdamW groups exclude layer-norm weights (and biases, which T5 has none of) from decay. */
    public boolean decays() {
        return this != LAYER_NORM;
    }
}

package dev.summarizer.model;

/** The activation inside T5's feed-forward block, by its Hugging Face name ({@code dense_act_fn}). */
public enum FeedForwardActivation {
    RELU("relu"),
    /** The tanh approximation used by T5 v1.1 and FLAN-T5; {@code gelu_pytorch_tanh} is the same function. */
    GELU_NEW("gelu_new"),
    /** The exact erf form. */
    GELU("gelu"),
    SILU("silu");

    private final String huggingFaceName;

    FeedForwardActivation(String huggingFaceName) {
        this.huggingFaceName = huggingFaceName;
    }

    public String huggingFaceName() {
        return huggingFaceName;
    }

    /** Returns null for a name this project has no graph for. */
    public static FeedForwardActivation fromHuggingFaceName(String name) {
        return switch (name) {
            case "relu" -> RELU;
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> GELU_NEW;
            case "gelu" -> GELU;
            case "silu", "swish" -> SILU;
            default -> null;
        };
    }
}

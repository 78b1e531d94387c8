package dev.summarizer.training.artifacts;

/** File, input and output names of the training artifacts, shaped like ONNX Runtime's on-device training. */
public final class ArtifactNames {
    public static final String TRAINING_MODEL = "training_model.onnx";
    public static final String EVAL_MODEL = "eval_model.onnx";
    public static final String OPTIMIZER_MODEL = "optimizer_model.onnx";
    public static final String CHECKPOINT = "checkpoint";

    public static final String INPUT_IDS = "input_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    public static final String LABELS = "labels";
    public static final String LOSS = "loss";

    public static final String LEARNING_RATE = "learning_rate";
    public static final String STEP = "step";
    public static final String GRAD_SCALE = "grad_scale";
    public static final String MAX_GRAD_NORM = "max_grad_norm";
    public static final String GRAD_NORM = "grad_norm";

    private ArtifactNames() {}

    /** The training model's output for a parameter's gradient. */
    public static String gradient(String parameter) {
        return parameter + "_grad";
    }

    /** AdamW's first moment (torch's {@code exp_avg}) of a parameter. */
    public static String firstMoment(String parameter) {
        return parameter + ".exp_avg";
    }

    /** AdamW's second moment (torch's {@code exp_avg_sq}) of a parameter. */
    public static String secondMoment(String parameter) {
        return parameter + ".exp_avg_sq";
    }

    /** The optimizer model's output for the new value of {@code value} (a parameter or a moment). */
    public static String updated(String value) {
        return value + ".updated";
    }
}

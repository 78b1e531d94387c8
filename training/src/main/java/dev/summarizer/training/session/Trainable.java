package dev.summarizer.training.session;

import ai.onnxruntime.OnnxTensor;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.summarizer.model.ParameterSpec;
import dev.summarizer.model.T5Config;
import dev.summarizer.model.T5ParameterLayout;
import dev.summarizer.model.T5Weights;
import dev.summarizer.training.artifacts.T5Loss;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a {@link TrainingSession} fine-tunes: every parameter of a T5 model ({@link AllParameters}), or LoRA adapters
 * beside frozen weights ({@code LoraParameters}). The session keeps the trained tensors, their gradients and moments
 * in native buffers and runs the graphs; this says which tensors they are, builds the graphs they go through (with
 * whatever else the graphs need as initializers), and turns their values back into a model and a checkpoint.
 */
public interface Trainable extends AutoCloseable {
    T5Config config();

    /** The layout of the T5 model being fine-tuned. */
    T5ParameterLayout layout();

    /** The tensors the optimizer updates, in the order the graphs take them. */
    List<ParameterSpec> trained();

    /** The training model: loss and the trained tensors' gradients, with dropout masks drawn from {@code dropoutSeed}. */
    SessionModel trainingModel(TrainingSettings settings, long dropoutSeed, T5Loss.Form loss);

    /** The eval model: the loss without dropout. */
    SessionModel evalModel(TrainingSettings settings, T5Loss.Form loss);

    /** Whether the training model draws dropout masks (the session then restarts their stream at checkpoints). */
    boolean hasDropout(TrainingSettings settings);

    /** The T5 model the trained values stand for (for LoRA, the base with the adapter merged in). */
    T5Weights weights(TensorBuffers trained);

    /**
     * Every parameter of the T5 model as a tensor whose memory stays valid until the session closes, current after
     * {@link #refreshLiveParameters}; for graphs that read the model's weights at each run (the evaluation decoders).
     */
    Map<String, OnnxTensor> liveParameters(TensorBuffers trained);

    /** Brings the tensors of {@link #liveParameters} up to the trained values. */
    void refreshLiveParameters(TensorBuffers trained);

    /** Writes a checkpoint folder of the trained values, their moments and the step, atomically. */
    void writeCheckpoint(Path dir, TensorBuffers trained, TensorBuffers firstMoments, TensorBuffers secondMoments, long step,
            ObjectNode trainerState, TrainingCheckpoint.Extras extras) throws IOException;

    /** Releases what the graphs were given (frozen weights); nothing for a full model. */
    @Override
    void close();
}

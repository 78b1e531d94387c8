package dev.summarizer.training.session;

import ai.onnxruntime.OnnxTensor;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.summarizer.model.ParameterSpec;
import dev.summarizer.model.T5Config;
import dev.summarizer.model.T5ParameterLayout;
import dev.summarizer.model.T5Weights;
import dev.summarizer.training.artifacts.T5Loss;
import dev.summarizer.training.artifacts.TrainingGraphs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** Full fine-tuning: every parameter of the T5 model is trained, and every one is an input of the graphs. */
public record AllParameters(T5Config config, T5ParameterLayout layout) implements Trainable {

    @Override
    public List<ParameterSpec> trained() {
        return layout.specs();
    }

    @Override
    public SessionModel trainingModel(TrainingSettings settings, long dropoutSeed, T5Loss.Form loss) {
        return SessionModel.of(TrainingGraphs.training(config, layout, settings.dropout(), dropoutSeed,
                settings.labelSmoothing(), loss));
    }

    @Override
    public SessionModel evalModel(TrainingSettings settings, T5Loss.Form loss) {
        return SessionModel.of(TrainingGraphs.eval(config, layout, settings.labelSmoothing(), loss));
    }

    @Override
    public boolean hasDropout(TrainingSettings settings) {
        return settings.dropout() > 0;
    }

    @Override
    public T5Weights weights(TensorBuffers trained) {
        return new T5Weights(config, trained.copy());
    }

    /** The parameter buffers themselves, which every optimizer step updates in place. */
    @Override
    public Map<String, OnnxTensor> liveParameters(TensorBuffers trained) {
        return Collections.unmodifiableMap(trained.tensors());
    }

    @Override
    public void refreshLiveParameters(TensorBuffers trained) {}

    @Override
    public void writeCheckpoint(Path dir, TensorBuffers trained, TensorBuffers firstMoments, TensorBuffers secondMoments,
            long step, ObjectNode trainerState, TrainingCheckpoint.Extras extras) throws IOException {
        TrainingCheckpoint.write(dir, config, trained, firstMoments, secondMoments, step, trainerState, extras);
    }

    @Override
    public void close() {}
}

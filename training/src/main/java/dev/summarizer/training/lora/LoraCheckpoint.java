package dev.summarizer.training.lora;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.summarizer.lora.AdapterFiles;
import dev.summarizer.lora.LoraAdapter;
import dev.summarizer.lora.LoraConfig;
import dev.summarizer.model.FloatTensor;
import dev.summarizer.model.ModelFormatException;
import dev.summarizer.model.Safetensors;
import dev.summarizer.model.StagingDirectory;
import dev.summarizer.model.T5ParameterLayout;
import dev.summarizer.training.session.SavedCheckpoint;
import dev.summarizer.training.session.TensorBuffers;
import dev.summarizer.training.session.TrainingCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A LoRA run's checkpoint folder: the adapter as PEFT saves it ({@code adapter_config.json},
 * {@code adapter_model.safetensors}), AdamW's moments of its factors ({@code optimizer.safetensors}) and
 * {@code trainer_state.json}; the frozen weights are the base model's and are not copied. Written beside its target
 * and renamed into place.
 */
public record LoraCheckpoint(Path dir, LoraAdapter adapter, Map<String, FloatTensor> firstMoments,
        Map<String, FloatTensor> secondMoments, long step, ObjectNode trainerState) implements SavedCheckpoint {

    static void write(Path dir, LoraConfig config, TensorBuffers trained, TensorBuffers first, TensorBuffers second, long step,
            ObjectNode trainerState, String baseModel, TrainingCheckpoint.Extras extras) throws IOException {
        try (StagingDirectory staging = StagingDirectory.forTarget(dir)) {
            Map<String, Safetensors.Buffer> values = trained.forWriting("");
            AdapterFiles.write(staging.path(), config, values, baseModel);
            List<Map<String, Safetensors.Buffer>> moments = TrainingCheckpoint.momentBuffers(first, second);
            TrainingCheckpoint.writeOptimizerState(staging.path(), moments.get(0), moments.get(1), step, trainerState);
            extras.writeInto(staging.path());
            staging.commit();
        }
    }

    /** Reads a LoRA checkpoint of a model of {@code layout}. */
    public static LoraCheckpoint read(Path dir, T5ParameterLayout layout) {
        if (!Files.isDirectory(dir)) {
            throw new ModelFormatException(dir + ": checkpoint folder not found");
        }
        if (!AdapterFiles.isAdapterFolder(dir)) {
            throw new ModelFormatException(dir + ": not a LoRA checkpoint (no " + AdapterFiles.CONFIG
                    + "; it holds the whole model's weights)");
        }
        LoraAdapter adapter = AdapterFiles.read(dir, layout);
        TrainingCheckpoint.OptimizerState state = TrainingCheckpoint.readOptimizerState(dir,
                LoraAdapter.specs(layout, adapter.modules(), adapter.config().r()));
        return new LoraCheckpoint(dir, adapter, state.firstMoments(), state.secondMoments(), state.step(), state.trainerState());
    }
}

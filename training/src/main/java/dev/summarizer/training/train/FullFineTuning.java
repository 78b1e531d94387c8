package dev.summarizer.training.train;

import ai.onnxruntime.OrtException;
import dev.summarizer.export.OnnxExport;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.T5Config;
import dev.summarizer.runtime.Device;
import dev.summarizer.training.session.SavedCheckpoint;
import dev.summarizer.training.session.TrainingCheckpoint;
import dev.summarizer.training.session.TrainingSession;
import dev.summarizer.training.session.TrainingSettings;
import java.io.IOException;
import java.nio.file.Path;

/** Full fine-tuning: every parameter trains; checkpoints hold the whole model; the result is {@code final/}. */
record FullFineTuning(Device device, int threads) implements FineTuning {

    @Override
    public SavedCheckpoint readCheckpoint(Path dir, ModelFolder source) {
        return TrainingCheckpoint.read(dir, source.readConfig());
    }

    @Override
    public TrainingSession open(ModelFolder source, T5Config config, SavedCheckpoint resumeFrom, TrainingSettings settings)
            throws OrtException {
        return resumeFrom != null
                ? TrainingSession.resume((TrainingCheckpoint) resumeFrom, settings, device, threads)
                : TrainingSession.create(source.readWeights(config), settings, device, threads);
    }

    @Override
    public void writeResults(TrainingSession session, ModelFolder source, Path outputDir, TrainingArguments.Checkpointing export) throws IOException {
        session.exportModel(outputDir.resolve(Trainer.FINAL), source, export.maxShardBytes(), export.finalQuantizations());
    }

    @Override
    public void writeResults(Path checkpoint, ModelFolder source, T5Config config, Path outputDir, TrainingArguments.Checkpointing export) throws IOException {
        OnnxExport.exportFolder(TrainingCheckpoint.read(checkpoint, config).weights(), source, outputDir.resolve(Trainer.FINAL),
                export.maxShardBytes(), export.finalQuantizations(), line -> {});
    }
}

package dev.summarizer.training.train;

import ai.onnxruntime.OrtException;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.T5Config;
import dev.summarizer.training.session.SavedCheckpoint;
import dev.summarizer.training.session.TrainingSession;
import dev.summarizer.training.session.TrainingSettings;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What a run fine-tunes, for the trainer's loop, which is the same either way: every parameter
 * ({@link FullFineTuning}) or a LoRA adapter ({@link LoraFineTuning}). Makes the run's session, reads the checkpoints
 * such a run writes, and writes what the run leaves in its output folder.
 */
interface FineTuning {
    /** The checkpoint in {@code dir}, written by a run of this kind on {@code source}. */
    SavedCheckpoint readCheckpoint(Path dir, ModelFolder source);

    /**
     * The run's session over the model in {@code source} (read with {@code config}), starting anew or from
     * {@code resumeFrom} (one of {@link #readCheckpoint}'s, or null).
     */
    TrainingSession open(ModelFolder source, T5Config config, SavedCheckpoint resumeFrom, TrainingSettings settings)
            throws OrtException;

    /** Writes the run's results into {@code outputDir} from the session's current values: at least {@code final/}. */
    void writeResults(TrainingSession session, ModelFolder source, Path outputDir, TrainingArguments.Checkpointing export) throws IOException;

    /** The same from one of the run's checkpoints (the best one, for load_best_model_at_end). */
    void writeResults(Path checkpoint, ModelFolder source, T5Config config, Path outputDir, TrainingArguments.Checkpointing export) throws IOException;
}

package dev.summarizer.training.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;

/** A checkpoint folder a run can resume from, whatever it holds beside: its step and the trainer's state. */
public interface SavedCheckpoint {
    Path dir();

    /** The optimizer steps taken when it was written. */
    long step();

    /** trainer_state.json. */
    ObjectNode trainerState();
}

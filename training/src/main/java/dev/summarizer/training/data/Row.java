package dev.summarizer.training.data;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;

/**
 * One record of a dataset file as it was written, before any column is chosen: a JSON object, or a CSV
 * row keyed by the header (its cells are strings).
 *
 * @param line the 1-based line where the record starts
 */
public record Row(Path file, long line, ObjectNode fields) {

    /** {@code file:line}, the prefix of every message about this row. */
    public String where() {
        return file + ":" + line;
    }
}

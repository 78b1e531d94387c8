package dev.summarizer.training.data;

import java.nio.file.Path;
import java.util.List;

/**
 * One source text and its reference summaries, exactly as the file has them (not trimmed; line breaks
 * such as SAMSum's "\r\n" kept), and where it came from.
 *
 * @param references one or more, none blank; the first is the training target
 * @param line the 1-based line where the row starts in {@code file}
 */
public record SummarizationExample(String text, List<String> references, Path file, long line) {

    public SummarizationExample {
        references = List.copyOf(references);
        if (references.isEmpty()) {
            throw new IllegalArgumentException("an example needs at least one reference summary");
        }
    }

    /** The summary to train on: the first reference. */
    public String summary() {
        return references.getFirst();
    }

    /** {@code file:line}. */
    public String where() {
        return file + ":" + line;
    }
}

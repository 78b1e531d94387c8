package dev.summarizer.spark;

import dev.summarizer.SummarizerException;

/** An input whose columns do not fit the job: no text column, one of another type, or a name the output needs. */
public class ColumnException extends SummarizerException {
    public ColumnException(String message) {
        super(message);
    }
}

package dev.summarizer.training.data;

import dev.summarizer.SummarizerException;

/** A dataset file that cannot be read as summarization examples; the message names the file and line. */
public class DatasetException extends SummarizerException {
    public DatasetException(String message) {
        super(message);
    }
}

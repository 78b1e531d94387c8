package dev.summarizer.model;

import dev.summarizer.SummarizerException;

/**
 * A model folder, weights file or configuration that cannot be used. The message is one line that
 * names the file and the field or tensor at fault, fit to print to a user as it is.
 */
public class ModelFormatException extends SummarizerException {
    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}

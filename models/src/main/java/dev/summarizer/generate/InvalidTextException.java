package dev.summarizer.generate;

import dev.summarizer.SummarizerException;

/** An input text that cannot be summarized (empty, control characters, broken Unicode); the message says why. */
public class InvalidTextException extends SummarizerException {
    public InvalidTextException(String message) {
        super(message);
    }
}

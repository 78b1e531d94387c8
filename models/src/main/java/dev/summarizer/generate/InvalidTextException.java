package dev.summarizer.generate;

/** An input text that cannot be summarized (empty, control characters, broken Unicode); the message says why. */
public class InvalidTextException extends IllegalArgumentException {
    public InvalidTextException(String message) {
        super(message);
    }
}

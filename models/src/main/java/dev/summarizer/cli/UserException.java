package dev.summarizer.cli;

/** A failure the user can fix (a folder that exists, input that is wrong): printed as one line, exit 1. */
public class UserException extends RuntimeException {
    public UserException(String message) {
        super(message);
    }
}

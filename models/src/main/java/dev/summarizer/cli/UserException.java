package dev.summarizer.cli;

import dev.summarizer.SummarizerException;

/** A failure the user can fix (a folder that exists, input that is wrong): printed as one line, exit 1. */
public class UserException extends SummarizerException {
    public UserException(String message) {
        super(message);
    }
}

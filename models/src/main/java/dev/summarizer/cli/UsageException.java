package dev.summarizer.cli;

/** A command line the user got wrong: printed as one line, with exit status 2. */
public class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}

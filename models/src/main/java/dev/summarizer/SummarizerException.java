package dev.summarizer;

/**
 * A failure the user can act on (a file that is not what it should be, a setting out of range, a device that is
 * not there, a download that failed). The message is one line that says what is wrong and where, fit to print as
 * it is: the command line prints it and exits with status 1, the server answers it as a 4xx.
 */
public class SummarizerException extends RuntimeException {
    public SummarizerException(String message) {
        super(message);
    }

    public SummarizerException(String message, Throwable cause) {
        super(message, cause);
    }
}

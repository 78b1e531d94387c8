package dev.summarizer.hub;

import dev.summarizer.SummarizerException;

/** A download from the Hugging Face Hub that failed or was refused; the message names the repository or file. */
public class HubException extends SummarizerException {
    public HubException(String message) {
        super(message);
    }
}

package dev.summarizer.runtime;

import dev.summarizer.SummarizerException;

/** The requested execution provider cannot run here; the message says what it needs. */
public class DeviceUnavailableException extends SummarizerException {
    public DeviceUnavailableException(String message) {
        super(message);
    }
}

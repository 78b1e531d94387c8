package dev.summarizer.runtime;

/** The requested execution provider cannot run here; the message says what it needs. */
public class DeviceUnavailableException extends RuntimeException {
    public DeviceUnavailableException(String message) {
        super(message);
    }
}

package dev.summarizer.generate;

import dev.summarizer.SummarizerException;

/** A generation setting out of its range; {@link #setting()} is its snake_case name. */
public class InvalidSettingException extends SummarizerException {
    private final String setting;

    public InvalidSettingException(String setting, String problem) {
        super(setting + " " + problem);
        this.setting = setting;
    }

    public String setting() {
        return setting;
    }
}

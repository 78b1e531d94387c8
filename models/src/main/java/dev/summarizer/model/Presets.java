package dev.summarizer.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Architectures {@code init} knows by name: the real shapes of public checkpoints, and a tiny one for tests. */
public final class Presets {
    public static final List<String> NAMES = List.of("tiny", "t5-small", "flan-t5-small", "flan-t5-base");

    private Presets() {}

    public static boolean exists(String name) {
        return NAMES.contains(name);
    }

    public static T5Config config(String name) {
        if (!exists(name)) {
            throw new ModelFormatException("unknown preset \"" + name + "\" (presets: " + String.join(", ", NAMES) + ")");
        }
        try (InputStream in = TokenizerFiles.resource("preset-" + name + ".json")) {
            return T5Config.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "preset " + name);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

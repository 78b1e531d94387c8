package dev.summarizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.nio.file.Path;

/**
 * The project's one JSON mapper (thread-safe once configured). Paths are written as they print, not as
 * {@code file://} URIs, so a recorded argument reads as the user typed it.
 */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new SimpleModule("paths").addSerializer(Path.class, ToStringSerializer.instance));

    private Json() {}
}

package dev.summarizer.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where tests find their inputs: the committed reference fixtures (written by scripts/reference/) and the
 * shared data folder beside the clone, which tests skip without.
 */
public final class Fixtures {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {}

    /** The repository root (surefire passes it; tests run from a module folder otherwise). */
    public static Path root() {
        String property = System.getProperty("summarizer.root");
        Path root = property != null ? Path.of(property) : Path.of("").toAbsolutePath().getParent();
        return root.toAbsolutePath().normalize();
    }

    /**
     * {@code <module>/src/test/resources/fixtures/<name>} of the module whose tests are running: each module keeps
     * the fixtures only its own tests read.
     */
    public static Path fixture(String name) {
        String basedir = System.getProperty("basedir", System.getProperty("user.dir"));
        return existing(Path.of(basedir).resolve("src/test/resources/fixtures").resolve(name));
    }

    /**
     * The small reference models and their tensors, which every module's tests use:
     * {@code models/src/test/resources/fixtures/<name>}.
     */
    public static Path referenceModel(String name) {
        return existing(root().resolve("models/src/test/resources/fixtures").resolve(name));
    }

    private static Path existing(Path p) {
        if (!Files.exists(p)) {
            throw new IllegalStateException("missing fixture " + p + " (see scripts/reference/README.md)");
        }
        return p;
    }

    public static JsonNode json(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The shared folder beside the clone ({@code ../shared}); skips the calling test when it is absent. */
    public static Path shared(String relative) {
        String property = System.getProperty("summarizer.shared");
        Path shared = property != null ? Path.of(property) : root().resolve("../shared");
        Path p = shared.resolve(relative).normalize();
        assumeTrue(Files.exists(p), "skipped: " + p + " not found (the shared data folder sits beside the clone in CI)");
        return p;
    }

    public static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) array.get(i).asDouble();
        }
        return out;
    }

    public static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }

    /** A JSON matrix of integers, flattened row by row. */
    public static long[][] longMatrix(JsonNode rows) {
        long[][] out = new long[rows.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = longs(rows.get(i));
        }
        return out;
    }
}

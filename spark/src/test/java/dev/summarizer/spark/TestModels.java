package dev.summarizer.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.summarizer.export.OnnxExport;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.StagingDirectory;
import dev.summarizer.testing.Cli;
import dev.summarizer.testing.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Exported model folders for the tests, made once per test JVM. */
public final class TestModels {
    private static final Map<String, Path> EXPORTED = new HashMap<>();
    private static Path root;

    private TestModels() {}

    /** The {@code tiny} preset (random weights, the T5 vocabulary), exported. */
    public static synchronized Path tiny() {
        return EXPORTED.computeIfAbsent("tiny", name -> {
            Path dir = root().resolve(name);
            assertEquals(0, Cli.run("init", "--config", "tiny", "--out", dir.toString(), "--seed", "7").status());
            assertEquals(0, Cli.run("export", "--model", dir.toString()).status());
            return dir;
        });
    }

    /** A reference model of ../shared (the real T5 tokenizer), exported; skips the test without ../shared. */
    public static synchronized Path shared(String name) {
        Path source = Fixtures.shared("reference/" + name);
        return EXPORTED.computeIfAbsent(name, n -> {
            Path dir = root().resolve(n);
            try {
                OnnxExport.export(ModelFolder.open(source), dir, line -> {});
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return dir;
        });
    }

    static synchronized Path root() {
        if (root == null) {
            try {
                root = Files.createTempDirectory("summarizer-spark-models");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Path dir = root;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    StagingDirectory.deleteRecursively(dir);
                } catch (IOException ignored) {
                    // a temporary folder
                }
            }));
        }
        return root;
    }
}

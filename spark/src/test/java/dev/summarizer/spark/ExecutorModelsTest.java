package dev.summarizer.spark;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.summarizer.generate.OnnxSeq2SeqModel.DecoderMode;
import dev.summarizer.runtime.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One load per JVM and folder, shared by the tasks; a folder exported again is loaded again. */
class ExecutorModelsTest {
    @TempDir
    Path dir;

    @Test
    void tasksShareOneLoadUntilTheFolderChanges() throws Exception {
        Path folder = copy(TestModels.tiny(), dir.resolve("model"));
        try (ExecutorModels.Lease first = ExecutorModels.acquire(folder, Device.CPU, 1, DecoderMode.SEPARATE);
                ExecutorModels.Lease second = ExecutorModels.acquire(folder, Device.CPU, 1, DecoderMode.SEPARATE)) {
            assertTrue(first.loadedNow());
            assertFalse(second.loadedNow());
            assertSame(first.summarizer(), second.summarizer());

            // Exported again (a file with another modification time): the next task gets a fresh load, the tasks
            // holding the old one keep it until they finish.
            Path encoder = folder.resolve("onnx/encoder_model.onnx");
            Files.setLastModifiedTime(encoder, FileTime.fromMillis(Files.getLastModifiedTime(encoder).toMillis() + 5000));
            try (ExecutorModels.Lease third = ExecutorModels.acquire(folder, Device.CPU, 1, DecoderMode.SEPARATE)) {
                assertTrue(third.loadedNow());
                assertNotSame(first.summarizer(), third.summarizer());
                assertFalse(first.summarizer().summarize(java.util.List.of("Tom: hi"),
                        first.summarizer().defaults()).isEmpty(), "an evicted model still serves the tasks holding it");
            }
            // The same folder through another path (a symbolic link) is the same model.
            Path link = Files.createSymbolicLink(dir.resolve("link"), folder);
            try (ExecutorModels.Lease viaLink = ExecutorModels.acquire(link, Device.CPU, 1, DecoderMode.SEPARATE)) {
                assertFalse(viaLink.loadedNow());
            }
        }
    }

    private static Path copy(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return to;
    }
}

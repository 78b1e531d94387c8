package dev.summarizer.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.summarizer.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** summarize on a plain Hugging Face folder, as Optimum's export=True: the ONNX files are made when missing or stale. */
class OnTheFlyExportTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Cli.Result summarize(Path model) {
        return Cli.run("summarize", "--model", model.toString(), "--json", "--max-new-tokens", "4", "Anna: lunch at noon?");
    }

    @Test
    void aFolderWithoutOnnxFilesIsExportedOnFirstUseAndAgainWhenTheWeightsChange() throws Exception {
        Path model = dir.resolve("plain");
        assertEquals(0, Cli.run("init", "--config", "tiny", "--out", model.toString(), "--seed", "3").status());
        assertFalse(Files.exists(model.resolve("onnx")));

        Cli.Result first = summarize(model);
        assertEquals(0, first.status(), first.err());
        assertTrue(first.err().contains("exporting the ONNX files into " + model.resolve("onnx") + " (there is no onnx/ folder yet)"),
                first.err());
        assertTrue(Files.isRegularFile(model.resolve("onnx/decoder_model_merged.onnx")));

        Cli.Result second = summarize(model);
        assertFalse(second.err().contains("exporting"), "up to date: " + second.err());
        assertEquals(JSON.readTree(first.out()), JSON.readTree(second.out()));

        // New weights (another seed) written after the export: the ONNX files are stale.
        Path other = dir.resolve("other");
        assertEquals(0, Cli.run("init", "--config", "tiny", "--out", other.toString(), "--seed", "4").status());
        Files.copy(other.resolve("model.safetensors"), model.resolve("model.safetensors"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(model.resolve("model.safetensors"), FileTime.from(Instant.now().plusSeconds(5)));
        Cli.Result third = summarize(model);
        assertEquals(0, third.status(), third.err());
        assertTrue(third.err().contains("(onnx/ is older than model.safetensors)"), third.err());
        Cli.Result fromOther = summarize(other);
        assertEquals(JSON.readTree(fromOther.out()).get("token_ids"), JSON.readTree(third.out()).get("token_ids"),
                "the new weights are what runs");
    }

    @Test
    void aReadOnlyFolderIsExportedIntoTheCache() throws Exception {
        Path model = dir.resolve("readonly");
        assertEquals(0, Cli.run("init", "--config", "tiny", "--out", model.toString(), "--seed", "3").status());
        Files.setPosixFilePermissions(model, PosixFilePermissions.fromString("r-xr-xr-x"));
        // Permission bits do not stop root (CI runs as root); an immutable folder stops everyone.
        boolean immutable = "root".equals(System.getProperty("user.name")) && chattr("+i", model);
        assumeTrue(!Files.isWritable(model), "cannot make a folder read-only for this user (root without chattr)");
        String previous = System.getProperty("summarizer.cache");
        System.setProperty("summarizer.cache", dir.resolve("cache").toString());
        try {
            Cli.Result r = summarize(model);
            assertEquals(0, r.status(), r.err());
            assertTrue(r.err().contains(" is read-only: exporting its ONNX files into " + dir.resolve("cache")), r.err());
            assertFalse(Files.exists(model.resolve("onnx")));
        } finally {
            if (immutable) {
                chattr("-i", model);
            }
            Files.setPosixFilePermissions(model, PosixFilePermissions.fromString("rwxr-xr-x"));
            if (previous == null) {
                System.clearProperty("summarizer.cache");
            } else {
                System.setProperty("summarizer.cache", previous);
            }
        }
    }

    /** Runs chattr on {@code folder}; false when it is not there or the file system has no such attribute. */
    private static boolean chattr(String flag, Path folder) throws InterruptedException {
        try {
            Process p = new ProcessBuilder("chattr", flag, folder.toString()).redirectErrorStream(true).start();
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            return p.waitFor() == 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}

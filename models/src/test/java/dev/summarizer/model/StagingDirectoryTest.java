package dev.summarizer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A folder is replaced whole or not at all. */
class StagingDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void aFailureBeforeCommitLeavesTheOldFolderAndNoLeftovers() throws Exception {
        Path target = Files.createDirectories(dir.resolve("checkpoint"));
        Files.writeString(target.resolve("state.json"), "old");
        assertThrows(IOException.class, () -> {
            try (StagingDirectory staging = StagingDirectory.forTarget(target)) {
                Files.writeString(staging.resolve("state.json"), "new, half written");
                throw new IOException("No space left on device");
            }
        });
        assertEquals("old", Files.readString(target.resolve("state.json")));
        try (var entries = Files.list(dir)) {
            assertEquals(List.of("checkpoint"), entries.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void commitReplacesTheFolderWhole() throws Exception {
        Path target = Files.createDirectories(dir.resolve("out"));
        Files.writeString(target.resolve("stale.txt"), "from before");
        try (StagingDirectory staging = StagingDirectory.forTarget(target)) {
            Files.writeString(staging.resolve("fresh.txt"), "new");
            staging.commit();
        }
        assertEquals("new", Files.readString(target.resolve("fresh.txt")));
        assertFalse(Files.exists(target.resolve("stale.txt")));
        try (var entries = Files.list(dir)) {
            assertEquals(List.of("out"), entries.map(p -> p.getFileName().toString()).toList());
        }
    }
}

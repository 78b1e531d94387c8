package dev.summarizer.hub;

import dev.summarizer.model.StagingDirectory;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Moves a finished folder into place, replacing what is there only once the move succeeded. */
final class FolderSwap {
    private FolderSwap() {}

    static void replace(Path finished, Path target) throws IOException {
        Path previous = null;
        if (Files.exists(target)) {
            previous = Files.createTempDirectory(target.toAbsolutePath().getParent(), "." + target.getFileName() + ".old-");
            Files.delete(previous);
            move(target, previous);
        }
        try {
            move(finished, target);
        } catch (IOException e) {
            if (previous != null) {
                move(previous, target);
            }
            throw e;
        }
        if (previous != null) {
            StagingDirectory.deleteRecursively(previous);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }
}

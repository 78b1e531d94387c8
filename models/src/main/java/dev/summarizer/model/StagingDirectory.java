package dev.summarizer.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A temporary folder beside a target folder: files are written into it, and only {@link #commit()} moves it
 * into place, so a failure never leaves a half-written target. Closing without committing deletes it.
 */
public final class StagingDirectory implements AutoCloseable {
    private final Path target;
    private final Path staging;
    private boolean committed;

    private StagingDirectory(Path target, Path staging) {
        this.target = target;
        this.staging = staging;
    }

    /** Stages a replacement for {@code target}, which may or may not exist yet. */
    public static StagingDirectory forTarget(Path target) throws IOException {
        Path absolute = target.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        Files.createDirectories(parent);
        Path staging = Files.createTempDirectory(parent, "." + absolute.getFileName() + ".tmp-");
        // Temporary folders are private; the folder this one becomes should look like any other.
        if (staging.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return new StagingDirectory(absolute, staging);
    }

    public Path path() {
        return staging;
    }

    public Path resolve(String name) {
        return staging.resolve(name);
    }

    /** Moves the staged folder into place; an existing target is replaced only after the move succeeded. */
    public void commit() throws IOException {
        Path previous = null;
        if (Files.exists(target)) {
            previous = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".old-");
            Files.delete(previous);
            move(target, previous);
        }
        try {
            move(staging, target);
        } catch (IOException e) {
            if (previous != null) {
                move(previous, target);
            }
            throw e;
        }
        committed = true;
        if (previous != null) {
            deleteRecursively(previous);
        }
    }

    @Override
    public void close() {
        if (!committed) {
            try {
                deleteRecursively(staging);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static final java.util.regex.Pattern LEFTOVER = java.util.regex.Pattern.compile("\\.(.+)\\.(tmp|old)-\\d+");

    /**
     * Cleans up after staged writes into {@code dir} that a killed process left half done, and returns what it did:
     * an unfinished {@code .NAME.tmp-*} folder is deleted; a {@code .NAME.old-*} folder (the previous version, moved
     * aside just before the new one was moved in) is moved back when {@code NAME} is missing, and deleted otherwise.
     */
    public static java.util.List<String> recoverLeftovers(Path dir) throws IOException {
        java.util.List<String> done = new java.util.ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return done;
        }
        java.util.List<Path> entries;
        try (var list = Files.list(dir)) {
            entries = list.sorted().toList();
        }
        for (Path entry : entries) {
            var m = LEFTOVER.matcher(entry.getFileName().toString());
            if (!m.matches() || !Files.isDirectory(entry)) {
                continue;
            }
            Path target = dir.resolve(m.group(1));
            if (m.group(2).equals("old") && !Files.exists(target)) {
                move(entry, target);
                done.add("restored " + target + " from the unfinished replacement of it");
            } else {
                deleteRecursively(entry);
                done.add("removed " + entry.getFileName() + ", left by an interrupted save");
            }
        }
        return done;
    }

    /** Writes a single file through a temporary sibling and an atomic rename. */
    public static void writeAtomically(Path file, byte[] content) throws IOException {
        Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp");
        try {
            Files.write(temp, content);
            move(temp, file);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    public static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}

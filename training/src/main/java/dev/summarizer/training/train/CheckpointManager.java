package dev.summarizer.training.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.summarizer.model.StagingDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The run's {@code checkpoint-<step>} folders: writes them (each atomically) and keeps the newest
 * {@code saveTotalLimit} of them plus the best one, wherever it is (as the Trainer does when the best and
 * the last differ).
 */
final class CheckpointManager {
    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d+)");

    /** Writes one checkpoint folder; the trainer's is TrainingSession.saveCheckpoint. */
    @FunctionalInterface
    interface Writer {
        void write(Path dir, ObjectNode state) throws IOException;
    }

    private final Path outputDir;
    private final int saveTotalLimit;
    private Path best;

    CheckpointManager(Path outputDir, int saveTotalLimit, Path best) {
        this.outputDir = outputDir;
        this.saveTotalLimit = saveTotalLimit;
        this.best = best;
    }

    static Path folder(Path outputDir, long step) {
        return outputDir.resolve("checkpoint-" + step);
    }

    /** Writes the checkpoint of {@code step} (replacing one of the same step) and applies the limit. */
    Path save(Writer writer, long step, ObjectNode state) throws IOException {
        Path dir = folder(outputDir, step);
        writer.write(dir, state);
        rotate();
        return dir;
    }

    void markBest(Path checkpoint) {
        best = checkpoint;
    }

    Path best() {
        return best;
    }

    /** Every checkpoint folder of the run, oldest first. */
    static List<Path> list(Path outputDir) throws IOException {
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(outputDir)) {
            return found;
        }
        try (var entries = Files.list(outputDir)) {
            entries.filter(p -> Files.isDirectory(p) && NAME.matcher(p.getFileName().toString()).matches()).forEach(found::add);
        }
        found.sort(Comparator.comparingLong(CheckpointManager::stepOf));
        return found;
    }

    static long stepOf(Path checkpoint) {
        Matcher m = NAME.matcher(checkpoint.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    private void rotate() throws IOException {
        if (saveTotalLimit <= 0) {
            return;
        }
        List<Path> all = list(outputDir);
        for (Path p : all.subList(0, Math.max(0, all.size() - saveTotalLimit))) {
            if (best == null || !p.toAbsolutePath().normalize().equals(best.toAbsolutePath().normalize())) {
                StagingDirectory.deleteRecursively(p);
            }
        }
    }
}

package dev.summarizer.training.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.summarizer.testing.Cli;
import dev.summarizer.testing.Fixtures;
import dev.summarizer.training.session.TrainingCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a run killed at a bad moment leaves in its output folder, and what the next run makes of it. */
class InterruptedRunTest {
    private static final Path FIXTURE = Fixtures.fixture("trainer");

    @TempDir
    Path dir;

    private static Cli.Result train(Path out, int steps, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--model", FIXTURE.resolve("model").toString(),
                "--train", FIXTURE.resolve("train.jsonl").toString(), "--output-dir", out.toString(), "--shuffle", "false",
                "--dropout", "0", "--per-device-train-batch-size", "8", "--max-steps", Integer.toString(steps), "--save-steps", "2",
                "--threads", "1"));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void aKillDuringACheckpointSaveIsCleanedUpAndTheRunResumesFromWhatIsWhole() throws Exception {
        Path out = dir.resolve("run");
        assertEquals(0, train(out, 6).status());
        // A save of step 6 killed while writing, and one of step 4 killed between moving the old folder aside and the
        // new one in: what StagingDirectory leaves at those moments.
        Files.createDirectories(out.resolve(".checkpoint-8.tmp-12345")).resolve("model.safetensors").toFile().createNewFile();
        Files.move(out.resolve("checkpoint-4"), out.resolve(".checkpoint-4.old-67890"));
        Files.move(out.resolve("checkpoint-6"), dir.resolve("elsewhere"));

        Cli.Result resumed = train(out, 8, "--resume-from-checkpoint", "latest");
        assertEquals(0, resumed.status(), resumed.err());
        assertTrue(resumed.err().contains("removed .checkpoint-8.tmp-12345, left by an interrupted save"), resumed.err());
        assertTrue(resumed.err().contains("restored " + out.resolve("checkpoint-4") + " from the unfinished replacement of it"),
                resumed.err());
        assertTrue(resumed.err().contains("resumed from " + out.resolve("checkpoint-4") + " at step 4"), resumed.err());
        try (Stream<Path> files = Files.list(out)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().startsWith(".")), "no leftovers remain");
        }
        assertEquals(8, TrainingCheckpoint.read(out.resolve("checkpoint-8"), null).step());
    }

    @Test
    void aRunStoppedBeforeItsFirstCheckpointSaysSo() throws Exception {
        Path out = Files.createDirectories(dir.resolve("early"));
        Files.writeString(out.resolve("metrics.jsonl"), "{\"step\": 1, \"loss\": 4.2}\n");
        Cli.Result r = train(out, 6);
        assertEquals(1, r.status(), r.err());
        assertEquals("summarizer train: " + out + " already exists and is not empty: an earlier run stopped before its first "
                + "checkpoint, so there is nothing to resume (pass --overwrite-output-dir to start again)",
                r.err().strip().lines().reduce((a, b) -> b).orElse(""));
    }
}

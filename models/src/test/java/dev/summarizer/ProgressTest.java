package dev.summarizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private long now;

    @Test
    void aLogGetsAPlainLineEveryFiveSecondsWithRateAndTimeLeft() {
        Progress progress = new Progress(out, false, () -> now);
        progress.begin("model.safetensors", 242_000_000, 2_000_000, Progress.Unit.BYTES);
        now = 1_000_000_000L;
        progress.update(12_000_000);      // too soon: nothing
        now = 5_000_000_000L;
        progress.update(52_000_000);      // 50 MB in 5 s: 10 MB/s, 190 MB left: 19 s
        now = 6_000_000_000L;
        progress.update(62_000_000);      // too soon again
        now = 24_000_000_000L;
        progress.update(242_000_000);
        progress.end();

        assertEquals("""
                model.safetensors: 52.0 MB / 242.0 MB (21%), 10.0 MB/s, ETA 0:19
                model.safetensors: 242.0 MB / 242.0 MB (100%), 10.0 MB/s, ETA 0:00
                model.safetensors: 242.0 MB, 240.0 MB of it in 24.0 s (10.0 MB/s)
                """, text());
    }

    @Test
    void aTerminalLineIsRewrittenInPlaceAtMostFourTimesASecond() {
        Progress progress = new Progress(out, true, () -> now);
        progress.begin("train", 14_732, 0, Progress.Unit.ROWS);
        now = 100_000_000L;
        progress.update(100);             // within the first 250 ms: nothing
        now = 500_000_000L;
        progress.update(1_000);           // 2,000 rows/s, 13,732 rows left: 7 s
        now = 600_000_000L;
        progress.update(1_100);
        now = 1_000_000_000L;
        progress.update(2_000);
        progress.line("note: something");
        progress.end("14,732 rows");

        String first = "train: 1,000 / 14,732 rows (6%), 2,000 rows/s, ETA 0:07";
        String second = "train: 2,000 / 14,732 rows (13%), 2,000 rows/s, ETA 0:06";
        assertEquals("\r" + first + "\r" + second + "\r" + " ".repeat(second.length()) + "\rnote: something\n"
                + "train: 14,732 rows\n", text());
    }

    @Test
    void aQuickTransferPrintsOnlyItsLastLineAndAnUnknownTotalIsLeftOut() {
        Progress progress = new Progress(out, false, () -> now);
        progress.begin("config.json", -1, 0, Progress.Unit.BYTES);
        progress.update(1_234);
        progress.end();
        progress.begin("big.bin", -1, 0, Progress.Unit.BYTES);
        now = 6_000_000_000L;
        progress.update(3_000_000_000L);
        assertEquals("config.json: 1.2 kB\nbig.bin: 3.0 GB, 500.0 MB/s\n", text());
    }

    private String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}

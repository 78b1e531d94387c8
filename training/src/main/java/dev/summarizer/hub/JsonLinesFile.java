package dev.summarizer.hub;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Counting the rows of a JSON lines file, and cutting off a row an interrupted run left half-written. */
final class JsonLinesFile {
    private JsonLinesFile() {}

    /** The number of complete (newline-terminated) lines of {@code file}; 0 when it does not exist. */
    static long completeLines(Path file) throws IOException {
        return scan(file)[0];
    }

    /**
     * The complete lines of {@code file}, after truncating whatever follows the last newline (a row whose
     * writing was interrupted), so that appending continues with a whole row.
     */
    static long keepCompleteLines(Path file) throws IOException {
        long[] scan = scan(file);
        if (Files.exists(file) && Files.size(file) > scan[1]) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(scan[1]);
            }
        }
        return scan[0];
    }

    /** {lines, bytes up to and including the last newline}. */
    private static long[] scan(Path file) throws IOException {
        if (!Files.exists(file)) {
            return new long[] {0, 0};
        }
        long lines = 0;
        long end = 0;
        long position = 0;
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        lines++;
                        end = position + i + 1;
                    }
                }
                position += n;
            }
        }
        return new long[] {lines, end};
    }
}

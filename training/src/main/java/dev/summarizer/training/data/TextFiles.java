package dev.summarizer.training.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens dataset files as UTF-8 text. */
final class TextFiles {
    private static final int BUFFER_CHARS = 1 << 16;
    private static final int BYTE_ORDER_MARK = '\uFEFF';

    private TextFiles() {}

    /**
     * A reader over {@code file} that skips a leading byte order mark (spreadsheets write one) and throws
     * {@link java.nio.charset.CharacterCodingException} on bytes that are not UTF-8, rather than
     * replacing them unseen.
     */
    static BufferedReader open(Path file) throws IOException {
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        var reader = new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder), BUFFER_CHARS);
        try {
            reader.mark(1);
            if (reader.read() != BYTE_ORDER_MARK) {
                reader.reset();
            }
            return reader;
        } catch (IOException e) {
            reader.close();
            throw e;
        }
    }

    /** The first character that is not whitespace, or -1 when there is none. */
    static int firstNonWhitespace(Path file) throws IOException {
        try (var reader = open(file)) {
            int c;
            do {
                c = reader.read();
            } while (c >= 0 && Character.isWhitespace(c));
            return c;
        }
    }

    /**
     * The error for a file that is not UTF-8, naming the line of the first bad byte. The readers decode ahead
     * of the line they are on, so the line is found again here from the bytes.
     */
    static DatasetException notUtf8(Path file) {
        try {
            long line = lineOfFirstMalformedByte(file);
            return new DatasetException(file + (line > 0 ? ":" + line : "") + ": not UTF-8 text (save the file as UTF-8)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The 1-based line holding the first byte that is not UTF-8, or 0 when every byte is. */
    static long lineOfFirstMalformedByte(Path file) throws IOException {
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer bytes = ByteBuffer.allocate(BUFFER_CHARS);
        CharBuffer chars = CharBuffer.allocate(BUFFER_CHARS);
        long line = 1;
        try (InputStream in = Files.newInputStream(file)) {
            boolean end = false;
            while (!end) {
                int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
                end = n < 0;
                bytes.position(bytes.position() + Math.max(n, 0));
                bytes.flip();
                int start = bytes.position();
                CoderResult result = decoder.decode(bytes, chars, end);
                for (int i = start; i < bytes.position(); i++) {
                    if (bytes.get(i) == '\n') {
                        line++;
                    }
                }
                if (result.isError()) {
                    return line;
                }
                chars.clear();
                bytes.compact();
            }
        }
        return 0;
    }
}

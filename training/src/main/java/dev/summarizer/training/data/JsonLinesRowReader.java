package dev.summarizer.training.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Path;

/** Rows of a JSON lines file: one object per line; blank lines are skipped. */
final class JsonLinesRowReader extends PeekingRowReader {
    private final Path file;
    private final BufferedReader in;
    /** True for a .json file found to start with an object: its first line may be a pretty-printed object. */
    private final boolean detected;
    private long line;
    private boolean sawRow;

    JsonLinesRowReader(Path file, boolean detected) throws IOException {
        this.file = file;
        this.in = TextFiles.open(file);
        this.detected = detected;
    }

    @Override
    protected Row readRow() {
        String text;
        do {
            text = readLine();
            if (text == null) {
                return null;
            }
        } while (text.isBlank());
        JsonNode node;
        try {
            node = JsonReading.WHOLE_TEXT.readTree(text);
        } catch (JsonProcessingException e) {
            if (detected && !sawRow) {
                throw new DatasetException(file + ":" + line + ": neither a JSON array of objects nor one JSON object"
                        + " per line (the first line is not a whole JSON object)");
            }
            throw JsonReading.notValid(file, line, e);
        }
        if (!(node instanceof ObjectNode object)) {
            throw new DatasetException(file + ":" + line + ": expected a JSON object, found " + JsonReading.kind(node));
        }
        sawRow = true;
        return new Row(file, line, object);
    }

    private String readLine() {
        try {
            String text = in.readLine();
            line++;
            return text;
        } catch (CharacterCodingException e) {
            throw TextFiles.notUtf8(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

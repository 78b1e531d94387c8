package dev.summarizer.training.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Path;

/** Rows of a JSON file holding one array of objects, read one object at a time. */
final class JsonArrayRowReader extends PeekingRowReader {
    private final Path file;
    private final JsonParser parser;
    private boolean started;

    JsonArrayRowReader(Path file) throws IOException {
        this.file = file;
        this.parser = JsonReading.MAPPER.createParser(TextFiles.open(file));
    }

    @Override
    protected Row readRow() {
        try {
            if (!started) {
                started = true;
                JsonToken first = parser.nextToken();
                if (first == null) {
                    return null;
                }
                if (first != JsonToken.START_ARRAY) {
                    throw new DatasetException(file + ":" + line() + ": expected a JSON array of objects, found "
                            + JsonReading.kind(first));
                }
            }
            JsonToken token = parser.nextToken();
            if (token == JsonToken.END_ARRAY) {
                JsonToken after = parser.nextToken();
                if (after != null) {
                    throw new DatasetException(file + ":" + line() + ": more JSON after the array of rows");
                }
                return null;
            }
            if (token != JsonToken.START_OBJECT) {
                throw new DatasetException(file + ":" + line() + ": expected an object for each row, found "
                        + JsonReading.kind(token));
            }
            long line = line();
            return new Row(file, line, (ObjectNode) JsonReading.MAPPER.readTree(parser));
        } catch (CharacterCodingException e) {
            throw TextFiles.notUtf8(file);
        } catch (JsonProcessingException e) {
            throw JsonReading.notValid(file, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The line of the token the parser is on. */
    private long line() {
        return parser.currentTokenLocation().getLineNr();
    }

    @Override
    public void close() {
        try {
            parser.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

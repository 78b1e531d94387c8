package dev.summarizer.training.data;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;

/**
 * Streams the rows of a dataset file in file order. Malformed input stops the stream with a
 * {@link DatasetException} that names the file and line.
 */
public interface RowReader extends Iterator<Row>, Closeable {

    /** The column names: the CSV header, or the keys of the first JSON object; empty for an empty file. */
    List<String> columns();

    /** Opens {@code file} with the reader its extension calls for. */
    static RowReader open(Path file) {
        if (Files.isDirectory(file)) {
            throw new DatasetException(file + ": is a folder, not a dataset file");
        }
        if (!Files.isRegularFile(file)) {
            throw new DatasetException(file + ": file not found");
        }
        DatasetFormat format = DatasetFormat.of(file);
        try {
            return switch (format) {
                case CSV -> new CsvRowReader(file, ',');
                case TSV -> new CsvRowReader(file, '\t');
                case JSONL -> new JsonLinesRowReader(file, false);
                case JSON -> TextFiles.firstNonWhitespace(file) == '{'
                        ? new JsonLinesRowReader(file, true)
                        : new JsonArrayRowReader(file);
            };
        } catch (CharacterCodingException e) {
            throw TextFiles.notUtf8(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    void close();
}

package dev.summarizer.training.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import dev.summarizer.generate.TextValidation;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Streams the summarization examples of one dataset file, in file order, counting the rows it skips.
 * Close it when done (or close the {@link #stream()}).
 */
public final class ExampleReader implements Iterator<SummarizationExample>, AutoCloseable {
    private final Path file;
    private final RowReader rows;
    private final Columns columns;
    private SummarizationExample next;
    private long rowsRead;
    private long rowsKept;
    private long referencesDropped;
    private DatasetStats.Skipped missingField = DatasetStats.Skipped.NONE;
    private DatasetStats.Skipped emptyText = DatasetStats.Skipped.NONE;
    private DatasetStats.Skipped emptySummary = DatasetStats.Skipped.NONE;
    private DatasetStats.Skipped invalidText = DatasetStats.Skipped.NONE;

    private ExampleReader(Path file, RowReader rows, Columns columns) {
        this.file = file;
        this.rows = rows;
        this.columns = columns;
    }

    /**
     * Opens {@code file} (.csv, .tsv, .json or .jsonl) and chooses its columns; a missing file, an unknown
     * format, a file without rows or a missing column is a {@link DatasetException}.
     */
    public static ExampleReader open(Path file, ColumnRequest request) {
        RowReader rows = RowReader.open(file);
        try {
            if (!rows.hasNext()) {
                throw new DatasetException(file + ": no rows");
            }
            return new ExampleReader(file, rows, Columns.resolve(request, rows.columns(), file));
        } catch (RuntimeException e) {
            rows.close();
            throw e;
        }
    }

    public Columns columns() {
        return columns;
    }

    /** The counts so far; final once {@link #hasNext()} has returned false. */
    public DatasetStats stats() {
        return new DatasetStats(file, rowsRead, rowsKept, missingField, emptyText, emptySummary, invalidText, referencesDropped);
    }

    @Override
    public boolean hasNext() {
        while (next == null && rows.hasNext()) {
            next = toExample(rows.next());
        }
        return next != null;
    }

    @Override
    public SummarizationExample next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        SummarizationExample example = next;
        next = null;
        return example;
    }

    /** The remaining examples as a stream that closes this reader when it is closed. */
    public Stream<SummarizationExample> stream() {
        var spliterator = Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL);
        return StreamSupport.stream(spliterator, false).onClose(this::close);
    }

    @Override
    public void close() {
        rows.close();
    }

    /** The row's example, or null (counted) when it has no usable text or summary. */
    private SummarizationExample toExample(Row row) {
        rowsRead++;
        String text = text(row, columns.text());
        List<String> references = new ArrayList<>();
        int summariesPresent = 0;
        int referencesWanted = 0;
        for (String column : columns.summaries()) {
            JsonNode value = row.fields().get(column);
            if (value == null || value.isNull()) {
                referencesWanted++;
                continue;
            }
            summariesPresent++;
            for (String reference : texts(row, column, value)) {
                referencesWanted++;
                if (reference != null && !reference.isBlank()) {
                    references.add(reference);
                }
            }
        }
        if (text == null || summariesPresent == 0) {
            missingField = missingField.plus(row.line());
        } else if (text.isBlank()) {
            emptyText = emptyText.plus(row.line());
        } else if (references.isEmpty()) {
            emptySummary = emptySummary.plus(row.line());
        } else if (TextValidation.problem(text) != null || references.stream().anyMatch(r -> TextValidation.problem(r) != null)) {
            // What summarize and the server refuse (NUL, escape, broken surrogates) is not trained on either.
            invalidText = invalidText.plus(row.line());
        } else {
            rowsKept++;
            referencesDropped += referencesWanted - references.size();
            return new SummarizationExample(text, references, row.file(), row.line());
        }
        return null;
    }

    /** The text in {@code column}: strings as they are, numbers and booleans as written; null when absent or null. */
    private static String text(Row row, String column) {
        JsonNode value = row.fields().get(column);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isValueNode()) {
            throw new DatasetException(row.where() + ": column \"" + column + "\" holds " + JsonReading.kind(value)
                    + ", not text");
        }
        return value.asText();
    }

    /** A summary column's references: its text, or each text of an array (null for a null element). */
    private static List<String> texts(Row row, String column, JsonNode value) {
        if (!value.isArray()) {
            return List.of(text(row, column));
        }
        List<String> each = new ArrayList<>();
        for (JsonNode element : value) {
            if (element.isNull()) {
                each.add(null);
            } else if (element.isValueNode()) {
                each.add(element.asText());
            } else {
                throw new DatasetException(row.where() + ": column \"" + column + "\" holds an array with "
                        + JsonReading.kind(element) + " in it, not texts");
            }
        }
        return each;
    }
}

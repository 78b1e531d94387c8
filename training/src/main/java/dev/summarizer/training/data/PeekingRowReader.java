package dev.summarizer.training.data;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The iterator half of a {@link RowReader}: reads one row ahead, and takes the columns from the first row
 * (JSON has no header; a key missing from a later row counts as a missing field there).
 */
abstract class PeekingRowReader implements RowReader {
    private Row next;
    private boolean ended;
    private List<String> firstRowColumns;

    /** The next row in the file, or null at its end. */
    protected abstract Row readRow();

    @Override
    public List<String> columns() {
        if (firstRowColumns == null) {
            hasNext();
        }
        return firstRowColumns == null ? List.of() : firstRowColumns;
    }

    @Override
    public boolean hasNext() {
        if (next == null && !ended) {
            next = readRow();
            ended = next == null;
            if (next != null && firstRowColumns == null) {
                var names = new ArrayList<String>();
                next.fields().fieldNames().forEachRemaining(names::add);
                firstRowColumns = List.copyOf(names);
            }
        }
        return next != null;
    }

    @Override
    public Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Row row = next;
        next = null;
        return row;
    }
}

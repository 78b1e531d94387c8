package dev.summarizer.training.data;

/**
 * The columns the user asked for with {@code --text-column} and {@code --summary-column}; null where a flag
 * was not given, so that the column can be recognised from the file (see {@link Columns#resolve}).
 */
public record ColumnRequest(String textColumn, String summaryColumn) {
    /** No flags given: recognise a known dataset by its columns, else {@code dialogue} and {@code summary}. */
    public static final ColumnRequest DETECT = new ColumnRequest(null, null);
}

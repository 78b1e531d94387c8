package dev.summarizer.training.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The columns examples are read from: one source text and one or more reference summaries (the first is
 * the training target).
 *
 * @param preset the dataset recognised from the file's columns when it chose a column; null when both were
 *     given, or no known dataset matched and the defaults were used
 */
public record Columns(String text, List<String> summaries, Preset preset) {
    public static final String DEFAULT_TEXT = "dialogue";
    public static final String DEFAULT_SUMMARY = "summary";

    public Columns {
        summaries = List.copyOf(summaries);
        if (summaries.isEmpty()) {
            throw new IllegalArgumentException("at least one summary column");
        }
    }

    /**
     * Chooses the columns for {@code file}, whose columns are {@code available}. A column the user gave always
     * wins; one not given comes from the recognised preset, or else is {@code dialogue} or {@code summary}.
     * A column that is not in the file is an error naming it and the columns there are.
     */
    public static Columns resolve(ColumnRequest request, List<String> available, Path file) {
        boolean allGiven = request.textColumn() != null && request.summaryColumn() != null;
        Preset preset = allGiven ? null : Preset.detect(available).orElse(null);
        String text = request.textColumn() != null ? request.textColumn()
                : preset != null ? preset.textColumn() : DEFAULT_TEXT;
        List<String> summaries = request.summaryColumn() != null ? List.of(request.summaryColumn())
                : preset != null ? preset.summaryColumns() : List.of(DEFAULT_SUMMARY);
        for (String column : concat(text, summaries)) {
            if (!available.contains(column)) {
                boolean guessed = preset == null && !allGiven;
                throw new DatasetException(file + ": no column " + quote(column) + "; columns are: " + list(available)
                        + (guessed ? " (choose them with --text-column and --summary-column)" : ""));
            }
        }
        return new Columns(text, summaries, preset);
    }

    /** For logs: {@code dialogue -> summary (SAMSum/DialogSum)}. */
    public String describe() {
        return text + " -> " + String.join(", ", summaries) + (preset == null ? "" : " (" + preset.label() + ")");
    }

    private static List<String> concat(String first, List<String> rest) {
        var all = new ArrayList<String>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    private static String list(List<String> names) {
        if (names.isEmpty()) {
            return "(none)";
        }
        return names.stream().map(Columns::plainOrQuoted).collect(Collectors.joining(", "));
    }

    /** Names print as they are, unless spaces or commas at their edges would hide where they start or end. */
    private static String plainOrQuoted(String name) {
        boolean ambiguous = name.isEmpty() || !name.strip().equals(name) || name.contains(",") || name.contains("\"");
        return ambiguous ? quote(name) : name;
    }

    private static String quote(String name) {
        return "\"" + name.replace("\"", "\\\"") + "\"";
    }
}

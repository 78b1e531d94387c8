package dev.summarizer.training.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What reading a dataset file kept and skipped. Every row read is either kept or counted under exactly one
 * reason: its text or all of its summaries missing (absent or null), else its text blank, else all of its
 * summaries blank, else its text or a summary not clean text (control characters such as NUL or escape, or broken
 * Unicode: what summarize and the server refuse).
 *
 * @param referencesDropped blank or missing references left out of rows that kept at least one
 */
public record DatasetStats(
        Path file,
        long rowsRead,
        long rowsKept,
        Skipped missingField,
        Skipped emptyText,
        Skipped emptySummary,
        Skipped invalidText,
        long referencesDropped) {

    /** How many rows were skipped for one reason, and the line of the first (0 when none). */
    public record Skipped(long rows, long firstLine) {
        public static final Skipped NONE = new Skipped(0, 0);

        Skipped plus(long line) {
            return new Skipped(rows + 1, rows == 0 ? line : firstLine);
        }
    }

    public long rowsSkipped() {
        return missingField.rows() + emptyText.rows() + emptySummary.rows() + invalidText.rows();
    }

    /** One line for the log, e.g. {@code train.jsonl: 14732 rows, 14731 kept; skipped 1 with empty text (line 6055)}. */
    public String describe() {
        StringBuilder sb = new StringBuilder(file + ": " + rowsRead + (rowsRead == 1 ? " row, " : " rows, ") + rowsKept + " kept");
        List<String> skips = new ArrayList<>();
        addSkip(skips, missingField, "a missing field");
        addSkip(skips, emptyText, "empty text");
        addSkip(skips, emptySummary, "an empty summary");
        addSkip(skips, invalidText, "control characters or broken Unicode");
        if (!skips.isEmpty()) {
            sb.append("; skipped ").append(String.join(", ", skips));
        }
        if (referencesDropped > 0) {
            sb.append("; ").append(referencesDropped).append(" empty or missing references left out");
        }
        return sb.toString();
    }

    private static void addSkip(List<String> skips, Skipped skipped, String reason) {
        if (skipped.rows() == 1) {
            skips.add("1 with " + reason + " (line " + skipped.firstLine() + ")");
        } else if (skipped.rows() > 1) {
            skips.add(skipped.rows() + " with " + reason + " (first at line " + skipped.firstLine() + ")");
        }
    }
}

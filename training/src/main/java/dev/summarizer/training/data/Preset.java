package dev.summarizer.training.data;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Public summarization datasets, recognised by their column names. */
public enum Preset {
    /** SAMSum and DialogSum (train and validation) share these columns. */
    SAMSUM_DIALOGSUM("SAMSum/DialogSum", "dialogue", List.of("summary")),
    /** DialogSum's test split has three reference summaries and no {@code summary} column. */
    DIALOGSUM_TEST("DialogSum test", "dialogue", List.of("summary1", "summary2", "summary3")),
    CNN_DAILYMAIL("CNN/DailyMail", "article", List.of("highlights")),
    XSUM("XSum", "document", List.of("summary"));

    private final String label;
    private final String textColumn;
    private final List<String> summaryColumns;

    Preset(String label, String textColumn, List<String> summaryColumns) {
        this.label = label;
        this.textColumn = textColumn;
        this.summaryColumns = summaryColumns;
    }

    public String label() {
        return label;
    }

    public String textColumn() {
        return textColumn;
    }

    public List<String> summaryColumns() {
        return summaryColumns;
    }

    /** The first preset whose columns are all among {@code columns}. */
    public static Optional<Preset> detect(Collection<String> columns) {
        for (Preset preset : values()) {
            if (columns.contains(preset.textColumn) && columns.containsAll(preset.summaryColumns)) {
                return Optional.of(preset);
            }
        }
        return Optional.empty();
    }
}

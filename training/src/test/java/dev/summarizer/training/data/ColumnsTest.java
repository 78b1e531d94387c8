package dev.summarizer.training.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ColumnsTest {
    private static final Path FILE = Path.of("data.csv");

    @Test
    void recognisesSamsumAndDialogsum() {
        Columns samsum = Columns.resolve(ColumnRequest.DETECT, List.of("id", "dialogue", "summary"), FILE);
        assertEquals(new Columns("dialogue", List.of("summary"), Preset.SAMSUM_DIALOGSUM), samsum);
        Columns dialogsum = Columns.resolve(ColumnRequest.DETECT, List.of("fname", "dialogue", "summary", "topic"), FILE);
        assertEquals(new Columns("dialogue", List.of("summary"), Preset.SAMSUM_DIALOGSUM), dialogsum);
    }

    @Test
    void dialogsumTestRowsHaveThreeReferences() {
        List<String> testColumns = List.of("fname", "dialogue", "summary1", "topic1", "summary2", "topic2", "summary3", "topic3");
        Columns columns = Columns.resolve(ColumnRequest.DETECT, testColumns, FILE);
        assertEquals(new Columns("dialogue", List.of("summary1", "summary2", "summary3"), Preset.DIALOGSUM_TEST), columns);
    }

    @Test
    void recognisesCnnDailyMailAndXsum() {
        assertEquals(new Columns("article", List.of("highlights"), Preset.CNN_DAILYMAIL),
                Columns.resolve(ColumnRequest.DETECT, List.of("article", "highlights", "id"), FILE));
        assertEquals(new Columns("document", List.of("summary"), Preset.XSUM),
                Columns.resolve(ColumnRequest.DETECT, List.of("document", "summary", "id"), FILE));
    }

    @Test
    void givenColumnsWinOverAPreset() {
        var request = new ColumnRequest("summary", "dialogue");
        Columns columns = Columns.resolve(request, List.of("id", "dialogue", "summary"), FILE);
        assertEquals(new Columns("summary", List.of("dialogue"), null), columns);
    }

    @Test
    void aColumnNotGivenComesFromThePreset() {
        var request = new ColumnRequest(null, "summary2");
        List<String> testColumns = List.of("fname", "dialogue", "summary1", "summary2", "summary3");
        assertEquals(new Columns("dialogue", List.of("summary2"), Preset.DIALOGSUM_TEST),
                Columns.resolve(request, testColumns, FILE));
    }

    @Test
    void withoutAPresetTheDefaultsAreDialogueAndSummary() {
        var request = new ColumnRequest("text", null);
        assertEquals(new Columns("text", List.of("summary"), null),
                Columns.resolve(request, List.of("text", "summary"), FILE));
    }

    @Test
    void aMissingGivenColumnIsNamedWithTheColumnsThereAre() {
        var request = new ColumnRequest("text", "summary");
        var e = assertThrows(DatasetException.class,
                () -> Columns.resolve(request, List.of("id", "dialogue", "summary"), FILE));
        assertEquals("data.csv: no column \"text\"; columns are: id, dialogue, summary", e.getMessage());
    }

    @Test
    void givenColumnsAreNotReplacedByAPresetsOwn() {
        var request = new ColumnRequest("dialogue", "summary");
        var e = assertThrows(DatasetException.class,
                () -> Columns.resolve(request, List.of("fname", "dialogue", "summary1", "summary2", "summary3"), FILE));
        assertEquals("data.csv: no column \"summary\"; columns are: fname, dialogue, summary1, summary2, summary3",
                e.getMessage());
    }

    @Test
    void unknownColumnsPointToTheFlags() {
        var e = assertThrows(DatasetException.class,
                () -> Columns.resolve(ColumnRequest.DETECT, List.of("text", "abstract"), FILE));
        assertEquals("data.csv: no column \"dialogue\"; columns are: text, abstract"
                + " (choose them with --text-column and --summary-column)", e.getMessage());
    }

    @Test
    void namesWithEdgeSpacesAreQuotedInTheList() {
        var e = assertThrows(DatasetException.class,
                () -> Columns.resolve(ColumnRequest.DETECT, List.of("dialogue", " summary"), FILE));
        assertEquals("data.csv: no column \"summary\"; columns are: dialogue, \" summary\""
                + " (choose them with --text-column and --summary-column)", e.getMessage());
    }

    @Test
    void thePresetIsOnlyReportedWhenItChoseSomething() {
        assertNull(Columns.resolve(new ColumnRequest("dialogue", "summary"), List.of("dialogue", "summary"), FILE)
                .preset());
    }
}

package dev.summarizer.hub;

import dev.summarizer.Progress;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetFetcherTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private FakeHub hub;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private List<ObjectNode> train;

    @BeforeEach
    void startHub() throws Exception {
        hub = new FakeHub();
        train = dialogues(250);
        hub.dataset("Samsung/samsum", "samsum", "train", train);
        hub.dataset("Samsung/samsum", "samsum", "validation", dialogues(30));
        hub.dataset("Samsung/samsum", "samsum", "test", List.of());
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    @Test
    void pagesThroughEverySplitAHundredRowsAtATime() throws Exception {
        DatasetFetcher.Result result = fetcher(3).fetch(DatasetName.of("samsum"), null, null, null, dir);

        assertEquals("Samsung/samsum", result.repo());
        assertEquals("samsum", result.config());
        assertEquals(dir.resolve("samsum"), result.folder());
        assertEquals(Map.of("train", 250L, "validation", 30L, "test", 0L), result.rows());
        assertEquals(lines(train), Files.readString(dir.resolve("samsum/train.jsonl")));
        assertEquals("", Files.readString(dir.resolve("samsum/test.jsonl")));
        assertEquals(List.of("test.jsonl", "train.jsonl", "validation.jsonl"), HubFixtures.filesUnder(dir.resolve("samsum")));
        assertEquals(List.of("dataset=Samsung%2Fsamsum&config=samsum&split=train&offset=0&length=100",
                "dataset=Samsung%2Fsamsum&config=samsum&split=train&offset=100&length=100",
                "dataset=Samsung%2Fsamsum&config=samsum&split=train&offset=200&length=50"), rowQueries("train"));
        assertTrue(log.toString().contains("note: " + DatasetName.SAMSUM_LICENSE), log.toString());
    }

    @Test
    void anInterruptedSplitContinuesAtItsFirstMissingRow() throws Exception {
        hub.failWith("viewer", "GET", "split=train&offset=200", 500, 10);
        HubException e = assertThrows(HubException.class,
                () -> fetcher(2).fetch(DatasetName.of("samsum"), null, List.of("train"), null, dir));
        assertEquals("dataset Samsung/samsum, split train: " + hub.datasetsEndpoint() + " answered 500 after 3 attempts"
                + " (planted error)", e.getMessage());
        Path partial = dir.resolve("samsum/train.jsonl.incomplete");
        assertEquals(lines(train.subList(0, 200)), Files.readString(partial));
        assertFalse(Files.exists(dir.resolve("samsum/train.jsonl")));
        // A run killed while writing leaves half a row behind: it is cut off, not kept.
        Files.writeString(partial, "{\"id\": \"13", java.nio.file.StandardOpenOption.APPEND);

        hub.clearFaults();
        hub.requests.clear();
        fetcher(2).fetch(DatasetName.of("samsum"), null, List.of("train"), null, dir);

        assertEquals(lines(train), Files.readString(dir.resolve("samsum/train.jsonl")));
        assertFalse(Files.exists(partial));
        assertEquals(List.of("dataset=Samsung%2Fsamsum&config=samsum&split=train&offset=200&length=100"), rowQueries("train"));
    }

    @Test
    void aFinishedSplitIsNotFetchedAgain() throws Exception {
        fetcher(3).fetch(DatasetName.of("samsum"), null, null, null, dir);
        hub.requests.clear();

        DatasetFetcher.Result again = fetcher(3).fetch(DatasetName.of("samsum"), null, null, null, dir);

        assertEquals(Map.of("train", 250L, "validation", 30L, "test", 0L), again.rows());
        assertEquals(List.of("/splits"), hub.requests.stream().map(FakeHub.Request::path).toList());
        assertTrue(log.toString().contains("train: already downloaded (250 rows)"), log.toString());
    }

    @Test
    void shortNamesPickTheirRepositoryAndConfigAndLimitsCapTheRows() throws Exception {
        List<ObjectNode> validation = new ArrayList<>();
        for (int i = 0; i < 180; i++) {
            validation.add(JSON.createObjectNode().put("article", "Article " + i + " \u00e9t\u00e9").put("highlights", "h" + i)
                    .put("id", Integer.toHexString(i)));
        }
        for (String config : List.of("1.0.0", "2.0.0", "3.0.0")) {
            hub.dataset("abisee/cnn_dailymail", config, "train", validation.subList(0, 5));
            hub.dataset("abisee/cnn_dailymail", config, "validation", validation);
        }

        DatasetFetcher.Result result = fetcher(3).fetch(DatasetName.of("cnn_dailymail"), null, List.of("validation"), 150L, dir);

        assertEquals("3.0.0", result.config());
        assertEquals(Map.of("validation", 150L), result.rows());
        assertEquals(lines(validation.subList(0, 150)), Files.readString(dir.resolve("cnn_dailymail/validation.jsonl"),
                StandardCharsets.UTF_8));
        assertEquals(List.of("dataset=abisee%2Fcnn_dailymail&config=3.0.0&split=validation&offset=0&length=100",
                "dataset=abisee%2Fcnn_dailymail&config=3.0.0&split=validation&offset=100&length=50"), rowQueries("validation"));
    }

    @Test
    void configsAndSplitsThatCannotBeChosenAreNamed() throws Exception {
        hub.dataset("acme/multi", "en", "train", dialogues(3));
        hub.dataset("acme/multi", "fr", "train", dialogues(3));
        DatasetName multi = DatasetName.of("acme/multi");

        assertEquals("dataset acme/multi has several configs (en, fr): choose one with --config",
                assertThrows(HubException.class, () -> fetcher(3).fetch(multi, null, null, null, dir)).getMessage());
        assertEquals("dataset acme/multi has no config \"de\" (configs: en, fr)",
                assertThrows(HubException.class, () -> fetcher(3).fetch(multi, "de", null, null, dir)).getMessage());
        assertEquals("dataset acme/multi has no split \"test\" in config fr (splits: train)",
                assertThrows(HubException.class, () -> fetcher(3).fetch(multi, "fr", List.of("test"), null, dir)).getMessage());
        assertEquals(Map.of("train", 3L), fetcher(3).fetch(multi, "fr", null, null, dir).rows());
        assertEquals("multi", DatasetName.of("acme/multi").folder());
    }

    @Test
    void anUnknownDatasetIsReportedInTheViewersWords() {
        HubException e = assertThrows(HubException.class,
                () -> fetcher(3).fetch(DatasetName.of("nobody/none"), null, null, null, dir));
        assertEquals("dataset nobody/none: not found on " + hub.datasetsEndpoint() + " (404: The dataset does not exist, or"
                + " is not accessible without authentication (private or gated). Please check the spelling of the dataset"
                + " name or retry with authentication.)", e.getMessage());
    }

    private List<String> rowQueries(String split) {
        return hub.requests("viewer", "GET").stream().filter(r -> r.path().equals("/rows"))
                .filter(r -> r.query().contains("split=" + split + "&")).map(FakeHub.Request::query).toList();
    }

    private DatasetFetcher fetcher(int retries) {
        Progress progress = new Progress(new PrintStream(log, true, StandardCharsets.UTF_8), false, System::nanoTime);
        return new DatasetFetcher(new HubHttp(hub.settings(null), RetryPolicy.immediate(retries)), progress);
    }

    /** SAMSum-like rows, with the CRLF line breaks and non-ASCII text the real ones have. */
    private static List<ObjectNode> dialogues(int n) {
        List<ObjectNode> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(JSON.createObjectNode().put("id", Integer.toString(13_800_000 + i))
                    .put("dialogue", "Amanda: I baked cookies \u263a Do you want some? (" + i + ")\r\nJerry: Sure!")
                    .put("summary", "Amanda baked cookies and will bring Jerry some tomorrow."));
        }
        return rows;
    }

    private static String lines(List<ObjectNode> rows) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (ObjectNode row : rows) {
            sb.append(JSON.writeValueAsString(row)).append('\n');
        }
        return sb.toString();
    }
}

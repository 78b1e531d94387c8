package dev.summarizer.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.summarizer.Progress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a broken or hostile Hub (or a mirror named by HF_ENDPOINT) may answer, one answer per test, and what fetch
 * must do: stop with one line, write nothing outside the folder it was given, and never more than it was told.
 */
class HostileHubTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private FakeHub hub;
    private FakeHub.Repo t5;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void startHub() throws Exception {
        hub = new FakeHub();
        t5 = HubFixtures.t5Small(hub);
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    private Progress progress() {
        return new Progress(new PrintStream(log, true, StandardCharsets.UTF_8), false, System::nanoTime);
    }

    private ModelFetcher models() {
        return new ModelFetcher(new HubHttp(hub.settings(null), RetryPolicy.immediate(2)), progress());
    }

    @Test
    void aRepositoryIdThatIsNotOneIsRefusedBeforeItGoesIntoAUrl() {
        t5.answeredId = "../../../evil";
        HubException e = assertThrows(HubException.class, () -> models().fetch(HubFixtures.REPO, "main", dir.resolve("m"), false));
        assertEquals("model " + HubFixtures.REPO + ": the model API named the repository \"../../../evil\", which is not a "
                + "repository id", e.getMessage());
        t5.answeredId = null;
        t5.answeredCommit = "main/../../x";
        e = assertThrows(HubException.class, () -> models().fetch(HubFixtures.REPO, "main", dir.resolve("m"), false));
        assertEquals("model " + HubFixtures.REPO + ": the model API gave the commit \"main/../../x\", which is not a commit hash",
                e.getMessage());
        assertFalse(Files.exists(dir.resolve("m")));
    }

    @Test
    void aRedirectToAnythingButHttpIsOneLine() {
        t5.apiRedirect = "file:///etc/passwd";
        HubException e = assertThrows(HubException.class, () -> models().fetch(HubFixtures.REPO, "main", dir.resolve("m"), false));
        assertEquals("model " + HubFixtures.REPO + ": " + HubSettings.origin(hub.endpoint())
                + " redirected to a non-http(s) URL: file:///etc/passwd", e.getMessage());
    }

    @Test
    void aBodyLongerThanDeclaredStopsBeforeItIsWritten() throws Exception {
        t5.claimSize("model.safetensors", 1000);
        HubException e = assertThrows(HubException.class, () -> models().fetch(HubFixtures.REPO, "main", dir.resolve("m"), false));
        assertEquals(HubFixtures.REPO + "/model.safetensors: the server sent more than the 1000 bytes it declared; deleted the download",
                e.getMessage());
        try (var files = Files.walk(dir)) {
            assertEquals(List.of(), files.filter(Files::isRegularFile).filter(p -> p.toString().contains("safetensors")).toList());
        }
    }

    @Test
    void splitsThatWouldShareAFileAreRefused() throws Exception {
        ObjectNode row = JSON.createObjectNode().put("dialogue", "A: hi").put("summary", "A greets.");
        hub.dataset("someone/odd", "default", "a/b", List.of(row));
        hub.dataset("someone/odd", "default", "a_b", List.of(row, row));
        DatasetFetcher fetcher = new DatasetFetcher(new HubHttp(hub.settings(null), RetryPolicy.immediate(2)), progress());
        HubException e = assertThrows(HubException.class,
                () -> fetcher.fetch(DatasetName.of("someone/odd"), null, null, null, dir));
        assertEquals("dataset someone/odd: splits \"a/b\" and \"a_b\" would both be written to a_b.jsonl; fetch them one at "
                + "a time with --split and --out", e.getMessage());
    }
}

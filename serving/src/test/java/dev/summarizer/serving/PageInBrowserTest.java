package dev.summarizer.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.summarizer.generate.OnnxSeq2SeqModel;
import dev.summarizer.generate.Summarizer;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.runtime.Device;
import dev.summarizer.testing.Cli;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page at {@code /} in a real headless Chromium: type a dialogue, click, read the summary, and check it is what
 * the API answers for the same text. Skips when no Chromium is installed (Debian: {@code apt-get install chromium}).
 */
class PageInBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DIALOGUE = "Anna: Are we still meeting at noon?\nBen: Yes, see you at the station.\nAnna: Great!";

    @TempDir
    static Path dir;
    static Path model;
    static Summarizer summarizer;
    static SummarizationServer server;
    static DevTools browser;

    @BeforeAll
    static void start() throws Exception {
        Path chromium = DevTools.findChromium();
        assumeTrue(chromium != null, "no Chromium found (install Debian's chromium package or set CHROMIUM): page test skipped");
        model = dir.resolve("tiny");
        assertEquals(0, Cli.run("init", "--config", "tiny", "--out", model.toString(), "--seed", "8").status());
        assertEquals(0, Cli.run("export", "--model", model.toString()).status());
        summarizer = Summarizer.open(ModelFolder.open(model), Device.CPU, 1, OnnxSeq2SeqModel.DecoderMode.SEPARATE);
        server = SummarizationServer.start(new ServerConfig(model, "127.0.0.1", 0, Device.CPU, 1, OnnxSeq2SeqModel.DecoderMode.SEPARATE,
                8, 10, 64, 60_000, 64 * 1024, 512, false, 16, 32_768, 256, 4, null, List.of(), 10_000), summarizer);
        browser = DevTools.launch(chromium, dir.resolve("profile"));
        browser.navigate("http://127.0.0.1:" + server.port() + "/");
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
        if (summarizer != null) {
            summarizer.close();
        }
    }

    /** Clicks Summarize and waits for the page to finish with the answer. */
    private static void summarize() throws Exception {
        browser.evaluate("document.body.dataset.state = 'idle'");
        browser.click("#go");
        try {
            browser.waitFor("document.body.dataset.state === 'done'");
        } catch (IllegalStateException e) {
            throw new AssertionError("the page did not finish: state " + browser.evaluate("document.body.dataset.state") + ", status \""
                    + browser.text("#status") + "\", summary \"" + browser.text("#summary") + "\", button at "
                    + browser.evaluate("JSON.stringify(document.getElementById('go').getBoundingClientRect())") + " in a "
                    + browser.evaluate("innerWidth + 'x' + innerHeight") + " window", e);
        }
    }

    private static JsonNode api(String body) throws Exception {
        var response = ServerTest.post(server, "/v1/summarize", body);
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    @Test
    void aTypedDialogueGetsTheSummaryTheApiGives() throws Exception {
        browser.evaluate("document.getElementById('text').value = ''; document.getElementById('max-new-tokens').value = ''");
        browser.type("#text", DIALOGUE);
        browser.type("#max-new-tokens", "12");
        assertEquals(DIALOGUE, browser.evaluate("document.getElementById('text').value").asText(), "the typed text");

        summarize();
        JsonNode expected = api(JSON.createObjectNode().put("text", DIALOGUE).put("max_new_tokens", 12).toString());
        assertFalse(expected.get("summary").asText().isEmpty());
        assertEquals(expected.get("summary").asText(), browser.text("#summary"));
        assertEquals("", browser.evaluate("document.getElementById('summary').className").asText());
        assertTrue(browser.text("#status").startsWith(expected.get("tokens").asInt() + " tokens in "), browser.text("#status"));

        // Streamed token by token (greedy), the page ends with the same summary the API gives for one beam.
        browser.click("#stream");
        assertTrue(browser.evaluate("document.getElementById('stream').checked").asBoolean());
        summarize();
        JsonNode greedy = api(JSON.createObjectNode().put("text", DIALOGUE).put("max_new_tokens", 12).put("num_beams", 1).toString());
        assertEquals(greedy.get("summary").asText(), browser.text("#summary"));
        browser.click("#stream");
    }

    @Test
    void anEmptyTextShowsTheServersMessage() throws Exception {
        browser.evaluate("document.getElementById('text').value = ''");
        browser.type("#text", "   ");
        summarize();
        assertEquals("error", browser.evaluate("document.getElementById('summary').className").asText());
        String message = browser.text("#summary");
        assertTrue(message.contains("text"), message);
    }

    @Test
    void onAServerWithAnApiKeyThePageAsksForItAndSendsIt() throws Exception {
        try (SummarizationServer keyed = SummarizationServer.start(new ServerConfig(model, "127.0.0.1", 0,
                Device.CPU, 1, OnnxSeq2SeqModel.DecoderMode.SEPARATE, 8, 10, 64, 60_000, 64 * 1024, 512, false, 16, 32_768, 256, 4,
                "s3cret", List.of(), 10_000), summarizer)) {
            browser.navigate("http://127.0.0.1:" + keyed.port() + "/");
            assertTrue(browser.evaluate("document.getElementById('key-label').hidden").asBoolean(), "no key field at first");
            browser.type("#text", DIALOGUE);
            browser.type("#max-new-tokens", "6");
            summarize();
            assertEquals("error", browser.evaluate("document.getElementById('summary').className").asText());
            assertTrue(browser.text("#summary").contains("API key"), browser.text("#summary"));
            assertFalse(browser.evaluate("document.getElementById('key-label').hidden").asBoolean(), "the key field shows");

            browser.type("#api-key", "s3cret");
            summarize();
            JsonNode expected = JSON.readTree(ServerTest.post(keyed, "/v1/summarize",
                    JSON.createObjectNode().put("text", DIALOGUE).put("max_new_tokens", 6).toString(),
                    "Authorization", "Bearer s3cret").body());
            assertEquals(expected.get("summary").asText(), browser.text("#summary"));
        } finally {
            browser.navigate("http://127.0.0.1:" + server.port() + "/");
        }
    }
}

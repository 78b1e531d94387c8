package dev.summarizer.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.summarizer.generate.DecodingSettings;
import dev.summarizer.generate.EncoderInput;
import dev.summarizer.generate.GenerationSettings;
import dev.summarizer.generate.Summary;
import dev.summarizer.testing.Cli;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a hostile or careless client may send, one attack per test, and what the server must do: answer that client
 * with one clear 4xx, and never let it hurt another request. Extend it with the next attack found.
 */
class HostileClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String DIALOGUE = "Anna: Are we still meeting at noon?\nBen: Yes, see you at the station.";

    @TempDir
    static Path dir;
    static SummarizationServer server;

    @BeforeAll
    static void start() throws Exception {
        ServerTest.startIn(dir);
        server = ServerTest.server;
    }

    @AfterAll
    static void stop() throws Exception {
        ServerTest.stop();
    }

    private static HttpResponse<String> post(SummarizationServer s, String body, String... headers) throws Exception {
        return ServerTest.post(s, "/v1/summarize", body, headers);
    }

    private static JsonNode error(HttpResponse<String> r, int status, String code, String field) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode error = JSON.readTree(r.body()).get("error");
        assertEquals(code, error.get("code").asText(), r.body());
        if (field != null) {
            assertEquals(field, error.get("field").asText(), r.body());
        }
        return error;
    }

    private static GenerationSettings greedy(int maxNewTokens) {
        GenerationSettings d = ServerTest.summarizer.defaults();
        return new GenerationSettings(d.source().withMaxSourceLength(512), DecodingSettings.greedy(maxNewTokens));
    }

    @Test
    void aPrefixWithControlCharactersOrBrokenUnicodeIsA400NamingThePrefix() throws Exception {
        // Written by hand: a JSON library would not write the lone surrogate's escape.
        for (String prefix : List.of("\\u0000", "\\u001b[31m", "\\ud800")) {
            String body = "{\"text\": \"Anna: hi\", \"prefix\": \"" + prefix + "\", \"max_new_tokens\": 3}";
            error(post(server, body), 400, "invalid_text", "prefix");
        }
    }

    @Test
    void aRequestThatFailsInTheDecoderFailsAloneAndItsBatchMatesAreAnswered() throws Exception {
        EncoderInput poison = ServerTest.summarizer.prepare("Poison: this one breaks the decoder", greedy(4).source());
        try (SummarizationServer s = SummarizationServer.start(ServerTest.config(c -> {
            c.maxWaitMillis = 500; // the three requests below share one batch
            return c;
        }), ServerTest.summarizer)) {
            ((BatchScheduler) s.scheduler()).beforeStep = batch -> {
                if (batch.stream().anyMatch(p -> p.texts.stream().anyMatch(t -> Arrays.equals(t.ids(), poison.ids())))) {
                    throw new IllegalStateException("a decoder failure this request causes");
                }
            };
            List<String> texts = List.of(DIALOGUE, "Poison: this one breaks the decoder", "Carl: Is the report done?\nDana: Soon.");
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (String text : texts) {
                String body = JSON.createObjectNode().put("text", text).put("max_new_tokens", 4).toString();
                answers.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/v1/summarize"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (int i = 0; i < texts.size(); i++) {
                HttpResponse<String> r = answers.get(i).get();
                if (i == 1) {
                    assertEquals(500, r.statusCode(), r.body());
                } else {
                    assertEquals(200, r.statusCode(), r.body());
                    Summary alone = ServerTest.summarizer.summarize(List.of(texts.get(i)), greedy(4)).get(0);
                    assertEquals(alone.text(), JSON.readTree(r.body()).get("summary").asText());
                }
            }
            assertTrue(ServerTest.metric(ServerTest.get(s, "/metrics").body(), "summarizer_batch_size_count") >= 2,
                    "the failed batch was decoded again request by request");
        }
    }

    @Test
    void aHugeTextIsCutBeforeItIsTokenizedAndSaysSo() throws Exception {
        String huge = (DIALOGUE + "\n").repeat(14_000); // about a megabyte
        ObjectNode body = JSON.createObjectNode().put("text", huge).put("max_new_tokens", 3);
        try (SummarizationServer s = SummarizationServer.start(ServerTest.config(c -> {
            c.maxBodyBytes = 2_000_000;
            return c;
        }), ServerTest.summarizer)) {
            HttpResponse<String> r = post(s, body.toString());
            assertEquals(200, r.statusCode(), r.body());
            JsonNode answer = JSON.readTree(r.body());
            assertTrue(answer.get("truncated").asBoolean());
            int whole = ServerTest.summarizer.tokenizer().encode(huge, Integer.MAX_VALUE).tokenCount();
            assertTrue(answer.get("input_tokens").asInt() < whole / 10,
                    "tokenized up to the cut (" + answer.get("input_tokens") + "), not all " + whole + " tokens");
            Summary cut = ServerTest.summarizer.summarize(List.of(huge), greedy(3)).get(0);
            assertEquals(cut.text(), answer.get("summary").asText(), "the same summary as the whole text truncated");
        }
    }

    @Test
    void aRequestsTextsAreDecodedInBatchesOfAtMostTheLimit() throws Exception {
        try (SummarizationServer s = SummarizationServer.start(ServerTest.config(c -> {
            c.maxBatchSize = 3;
            return c;
        }), ServerTest.summarizer)) {
            ObjectNode body = JSON.createObjectNode().put("max_new_tokens", 3);
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                texts.add("Speaker" + i + ": shall we meet at " + (i + 1) + "?");
                body.withArray("texts").add(texts.get(i));
            }
            HttpResponse<String> r = post(s, body.toString());
            assertEquals(200, r.statusCode(), r.body());
            JsonNode summaries = JSON.readTree(r.body()).get("summaries");
            for (int i = 0; i < texts.size(); i++) {
                assertEquals(ServerTest.summarizer.summarize(List.of(texts.get(i)), greedy(3)).get(0).text(),
                        summaries.get(i).get("summary").asText(), "text " + i + " in order");
            }
            String metrics = ServerTest.get(s, "/metrics").body();
            assertEquals(3.0, ServerTest.metric(metrics, "summarizer_batch_size_max"), metrics);
            assertEquals(3.0, ServerTest.metric(metrics, "summarizer_batch_size_count"), metrics);
        }
    }

    @Test
    void aRequestAskingForTooMuchWorkIsA400BeforeItIsQueued() throws Exception {
        try (SummarizationServer s = SummarizationServer.start(ServerTest.config(c -> {
            c.maxRequestTokens = 1000;
            return c;
        }), ServerTest.summarizer)) {
            ObjectNode body = JSON.createObjectNode().put("max_new_tokens", 200).put("num_beams", 4);
            body.withArray("texts").add(DIALOGUE).add(DIALOGUE);
            JsonNode e = error(post(s, body.toString()), 400, "out_of_range", "max_new_tokens");
            assertTrue(e.get("message").asText().contains("2 texts x 4 beams x 200 new tokens = 1600 tokens; the limit is 1000"),
                    e.toString());
            assertEquals(0.0, ServerTest.metric(ServerTest.get(s, "/metrics").body(), "summarizer_batch_size_count"));
        }
    }

    @Test
    void browsersFromAnAllowedOriginGetTheirPreflightWithoutAKeyAndOthersAreRefusedBeforeDecoding() throws Exception {
        try (SummarizationServer s = SummarizationServer.start(ServerTest.config(c -> {
            c.apiKey = "k3y";
            c.cors = List.of("https://app.example.com");
            return c;
        }), ServerTest.summarizer)) {
            HttpResponse<String> preflight = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port()
                            + "/v1/summarize")).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", "https://app.example.com").header("Access-Control-Request-Method", "POST")
                    .header("Access-Control-Request-Headers", "authorization, content-type").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(204, preflight.statusCode(), preflight.body());
            assertEquals("https://app.example.com", preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
            assertTrue(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("").contains("Authorization"));

            String body = JSON.createObjectNode().put("text", DIALOGUE).put("max_new_tokens", 3).toString();
            HttpResponse<String> allowed = post(s, body, "Origin", "https://app.example.com", "Authorization", "Bearer k3y");
            assertEquals(200, allowed.statusCode(), allowed.body());
            assertEquals("https://app.example.com", allowed.headers().firstValue("Access-Control-Allow-Origin").orElse(null));

            HttpResponse<String> evilPreflight = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port()
                            + "/v1/summarize")).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, evilPreflight.statusCode());
            assertTrue(evilPreflight.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
            double batches = ServerTest.metric(ServerTest.get(s, "/metrics").body(), "summarizer_batch_size_count");
            error(post(s, body, "Origin", "https://evil.example", "Authorization", "Bearer k3y"), 403, "origin_not_allowed", null);
            assertEquals(batches, ServerTest.metric(ServerTest.get(s, "/metrics").body(), "summarizer_batch_size_count"),
                    "nothing was decoded for the refused origin");
        }
    }

    @Test
    void bodiesThatAreNotJsonAre415SoNoPageCanSendThemWithoutAPreflight() throws Exception {
        String body = JSON.createObjectNode().put("text", DIALOGUE).toString();
        for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x")) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                    + "/v1/summarize")).header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            error(r, 415, "unsupported_media_type", null);
        }
        assertEquals(200, post(server, JSON.createObjectNode().put("text", DIALOGUE).put("max_new_tokens", 2).toString(),
                "Content-Type", "application/json; charset=utf-8").statusCode());
    }

    @Test
    void theBearerSchemeIsCaseInsensitiveAndTheKeyIsNot() throws Exception {
        try (SummarizationServer s = SummarizationServer.start(ServerTest.config(c -> {
            c.apiKey = "k3y";
            return c;
        }), ServerTest.summarizer)) {
            String body = JSON.createObjectNode().put("text", DIALOGUE).put("max_new_tokens", 2).toString();
            for (String scheme : List.of("Bearer", "bearer", "BEARER")) {
                assertEquals(200, post(s, body, "Authorization", scheme + " k3y").statusCode(), scheme);
            }
            error(post(s, body, "Authorization", "Bearer K3Y"), 401, "unauthorized", null);
            error(post(s, body, "Authorization", "Basic k3y"), 401, "unauthorized", null);
        }
    }

    @Test
    void aContentLengthLongerThanTheBodyIsA400NotA500() throws Exception {
        String body = "{\"text\": \"hi\"}";
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/summarize HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + (body.length() + 100) + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            out.flush();
            socket.shutdownOutput(); // the rest never comes
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.isEmpty() || answer.startsWith("HTTP/1.1 400"), answer);
        }
        assertEquals(200, post(server, JSON.createObjectNode().put("text", DIALOGUE).put("max_new_tokens", 2).toString())
                .statusCode(), "the server still answers");
    }

    @Test
    void badServeFlagsAreOneLineBeforeTheModelLoads() throws Exception {
        Path missing = dir.resolve("no-model-here");
        for (String origin : List.of("example.com", "https://example.com/path", "ftp://example.com")) {
            Cli.Result r = Cli.run("serve", "--model", missing.toString(), "--cors-origin", origin);
            assertEquals(2, r.status(), r.err());
            assertTrue(r.err().strip().startsWith("summarizer serve: --cors-origin: \"" + origin + "\" is not an origin"), r.err());
        }
        Path binary = Files.write(dir.resolve("key.bin"), new byte[] {'k', 0, (byte) 0xff, 'y'});
        Cli.Result r = Cli.run("serve", "--model", missing.toString(), "--api-key-file", binary.toString());
        assertEquals(1, r.status(), r.err());
        assertEquals("summarizer serve: " + binary + ": not an API key file: the key must be one line of printable ASCII, "
                + "found byte 0x00 at offset 1", r.err().strip());
        assertFalse(r.err().contains("Exception"));
    }

    @Test
    void aStarOriginAllowsAnyPage() throws Exception {
        try (SummarizationServer s = SummarizationServer.start(ServerTest.config(c -> {
            c.cors = List.of("*");
            return c;
        }), ServerTest.summarizer)) {
            HttpResponse<String> r = post(s, JSON.createObjectNode().put("text", DIALOGUE).put("max_new_tokens", 2).toString(),
                    "Origin", "https://anywhere.example");
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("*", r.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
            assertNull(r.headers().firstValue("WWW-Authenticate").orElse(null));
        }
    }
}

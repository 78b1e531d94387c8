package dev.summarizer.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.summarizer.generate.DecodingSettings;
import dev.summarizer.generate.GenerationSettings;
import dev.summarizer.generate.OnnxSeq2SeqModel;
import dev.summarizer.generate.Summarizer;
import dev.summarizer.generate.Summary;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.runtime.Device;
import dev.summarizer.testing.Cli;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CountDownLatch;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API against a real server on a random loopback port, with a tiny exported model. */
class ServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String DIALOGUE = "Anna: Are we still meeting at noon?\nBen: Yes, see you at the station.";

    @TempDir
    static Path dir;
    static Path model;
    static Summarizer summarizer;
    static SummarizationServer server;

    @BeforeAll
    static void start() throws Exception {
        startIn(dir);
    }

    /** The tiny model, its summarizer and a server over it (also for the other server test classes). */
    static void startIn(Path where) throws Exception {
        model = where.resolve("tiny");
        assertEquals(0, Cli.run("init", "--config", "tiny", "--out", model.toString(), "--seed", "8").status());
        assertEquals(0, Cli.run("export", "--model", model.toString()).status());
        summarizer = Summarizer.open(ModelFolder.open(model), Device.CPU, 1, OnnxSeq2SeqModel.DecoderMode.SEPARATE);
        server = SummarizationServer.start(config(c -> c), summarizer);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        summarizer.close();
    }

    /** The default test configuration, adjusted by {@code change} (records are rebuilt field by field). */
    static ServerConfig config(UnaryOperator<Builder> change) {
        return change.apply(new Builder()).build();
    }

    /** A mutable copy of ServerConfig's fields for tests. */
    static final class Builder {
        int maxBatchSize = 8;
        long maxWaitMillis = 20;
        int queueCapacity = 64;
        long requestTimeoutMillis = 60_000;
        long maxBodyBytes = 64 * 1024;
        int maxInputTokens = 512;
        boolean rejectLongInputs;
        String apiKey;
        List<String> cors = List.of();
        long maxRequestTokens = 32768;
        Batching batching = Batching.STATIC;

        ServerConfig build() {
            return new ServerConfig(model, "127.0.0.1", 0, Device.CPU, 1, OnnxSeq2SeqModel.DecoderMode.SEPARATE, maxBatchSize,
                    maxWaitMillis, queueCapacity, requestTimeoutMillis, maxBodyBytes, maxInputTokens, rejectLongInputs, 16,
                    maxRequestTokens, 256, 4,
                    apiKey, cors, 10_000, batching, dev.summarizer.export.ModelDtype.FP32);
        }
    }

    static HttpResponse<String> post(SummarizationServer s, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(SummarizationServer s, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static GenerationSettings greedy(int maxNewTokens) {
        GenerationSettings d = summarizer.defaults();
        return new GenerationSettings(d.source().withMaxSourceLength(512),
                new DecodingSettings(maxNewTokens, 0, 1, 1.0, d.decoding().earlyStopping(), 0));
    }

    @Test
    void healthReadinessMetricsOpenApiAndThePage() throws Exception {
        assertEquals("{\"status\":\"ok\"}", get(server, "/healthz").body());
        assertEquals(200, get(server, "/readyz").statusCode());
        HttpResponse<String> page = get(server, "/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("<textarea"));

        JsonNode openapi = JSON.readTree(get(server, "/openapi.json").body());
        assertTrue(openapi.get("openapi").asText().startsWith("3."));
        assertTrue(openapi.path("paths").has("/v1/summarize") && openapi.path("paths").has("/v1/summarize/stream"));
        Set<String> documented = new HashSet<>();
        openapi.at("/components/schemas/SummarizeRequest/properties").fieldNames().forEachRemaining(documented::add);
        assertEquals(RequestParser.FIELDS, documented, "the document lists exactly the fields the server accepts");

        post(server, "/v1/summarize", "{\"text\": \"hi there\", \"max_new_tokens\": 2}");
        String metrics = get(server, "/metrics").body();
        for (String name : List.of("summarizer_http_requests_total{endpoint=\"/v1/summarize\",status=\"200\"}",
                "summarizer_http_request_duration_seconds_bucket", "summarizer_queue_depth", "summarizer_batch_size_count",
                "summarizer_generated_tokens_total", "summarizer_tokens_per_second")) {
            assertTrue(metrics.contains(name), name + " in\n" + metrics);
        }
    }

    @Test
    void summariesAreWhatTheModelGivesAlone() throws Exception {
        HttpResponse<String> one = post(server, "/v1/summarize", JSON.writeValueAsString(
                JSON.createObjectNode().put("text", DIALOGUE).put("max_new_tokens", 6).put("num_beams", 1)));
        assertEquals(200, one.statusCode(), one.body());
        JsonNode body = JSON.readTree(one.body());
        Summary alone = summarizer.summarize(List.of(DIALOGUE), greedy(6)).get(0);
        assertEquals(alone.text(), body.get("summary").asText());
        assertEquals(alone.tokenIds().length, body.get("tokens").asInt());
        assertFalse(body.get("truncated").asBoolean());
        assertTrue(body.has("time_ms"));

        var list = JSON.createObjectNode().put("max_new_tokens", 5).put("num_beams", 2);
        list.putArray("texts").add(DIALOGUE).add("Carl: Is the report done?\nDana: Tomorrow morning.");
        JsonNode many = JSON.readTree(post(server, "/v1/summarize", list.toString()).body());
        GenerationSettings beams = new GenerationSettings(summarizer.defaults().source().withMaxSourceLength(512),
                new DecodingSettings(5, 0, 2, 1.0, summarizer.defaults().decoding().earlyStopping(), 0));
        assertEquals(summarizer.summarize(List.of(DIALOGUE), beams).get(0).text(), many.get("summaries").get(0).get("summary").asText());
        assertEquals(summarizer.summarize(List.of("Carl: Is the report done?\nDana: Tomorrow morning."), beams).get(0).text(),
                many.get("summaries").get(1).get("summary").asText());
    }

    @Test
    void concurrentRequestsAreBatchedAndGetWhatEachGetsAlone() throws Exception {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            texts.add("Speaker" + i + ": shall we meet at " + (i + 1) + " o'clock near gate " + (i * 7 % 5) + "?\nOther: sure.");
        }
        String before = get(server, "/metrics").body();
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Future<HttpResponse<String>>> futures = new ArrayList<>();
            for (String t : texts) {
                futures.add(pool.submit((Callable<HttpResponse<String>>) () -> post(server, "/v1/summarize",
                        JSON.createObjectNode().put("text", t).put("max_new_tokens", 8).put("num_beams", 1).toString())));
            }
            for (int i = 0; i < texts.size(); i++) {
                HttpResponse<String> r = futures.get(i).get();
                assertEquals(200, r.statusCode(), r.body());
                assertEquals(summarizer.summarize(List.of(texts.get(i)), greedy(8)).get(0).text(),
                        JSON.readTree(r.body()).get("summary").asText(), "text " + i);
            }
        } finally {
            pool.shutdown();
        }
        String after = get(server, "/metrics").body();
        double batches = metric(after, "summarizer_batch_size_count") - metric(before, "summarizer_batch_size_count");
        double batchedTexts = metric(after, "summarizer_batch_size_sum") - metric(before, "summarizer_batch_size_sum");
        assertEquals(12, batchedTexts);
        assertTrue(batches < 12, "12 concurrent requests in fewer than 12 batches, got " + batches);
        assertEquals(12, metric(after, "summarizer_queue_wait_seconds_count") - metric(before, "summarizer_queue_wait_seconds_count"),
                "every text's wait for its batch");
        assertTrue(metric(after, "summarizer_queue_wait_seconds_sum") > metric(before, "summarizer_queue_wait_seconds_sum"));
    }

    static double metric(String scrape, String name) {
        return scrape.lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l -> Double.parseDouble(l.split(" ")[1]))
                .findFirst().orElse(0);
    }

    @Test
    void badRequestsAre400WithTheField() throws Exception {
        assertError(post(server, "/v1/summarize", "{\"text\": "), 400, "invalid_json", null);
        assertError(post(server, "/v1/summarize", "[\"text\"]"), 400, "invalid_request", null);
        assertError(post(server, "/v1/summarize", "{\"text\": \"x\", \"temperature\": 1}"), 400, "unknown_field", "temperature");
        assertError(post(server, "/v1/summarize", "{\"text\": 42}"), 400, "invalid_type", "text");
        assertError(post(server, "/v1/summarize", "{\"text\": \"   \"}"), 400, "invalid_text", "text");
        assertError(post(server, "/v1/summarize", "{\"text\": \"bell \\u0007\"}"), 400, "invalid_text", "text");
        assertError(post(server, "/v1/summarize", "{\"text\": \"a\", \"texts\": [\"b\"]}"), 400, "invalid_request", "texts");
        assertError(post(server, "/v1/summarize", "{}"), 400, "invalid_request", "text");
        assertError(post(server, "/v1/summarize", "{\"texts\": [\"ok\", 3]}"), 400, "invalid_type", "texts[1]");
        assertError(post(server, "/v1/summarize", "{\"texts\": []}"), 400, "out_of_range", "texts");
        assertError(post(server, "/v1/summarize", "{\"text\": \"x\", \"num_beams\": 0}"), 400, "out_of_range", "num_beams");
        assertError(post(server, "/v1/summarize", "{\"text\": \"x\", \"num_beams\": 1.5}"), 400, "invalid_type", "num_beams");
        assertError(post(server, "/v1/summarize", "{\"text\": \"x\", \"max_new_tokens\": 100000}"), 400, "out_of_range", "max_new_tokens");
        assertError(post(server, "/v1/summarize", "{\"text\": \"x\", \"max_new_tokens\": 3, \"min_new_tokens\": 5}"), 400,
                "out_of_range", "min_new_tokens");
        assertError(post(server, "/v1/summarize", "{\"text\": \"x\", \"early_stopping\": \"sometimes\"}"), 400, "invalid_type",
                "early_stopping");
        assertError(post(server, "/v1/summarize", "{\"text\": \"x\", \"length_penalty\": \"high\"}"), 400, "invalid_type",
                "length_penalty");
        assertError(post(server, "/v1/summarize/stream", "{\"text\": \"x\", \"num_beams\": 2}"), 400, "out_of_range", "num_beams");
        assertError(post(server, "/v1/summarize/stream", "{\"texts\": [\"x\"]}"), 400, "invalid_request", "texts");
        assertError(get(server, "/v1/nothing"), 404, "not_found", null);
        assertError(get(server, "/v1/summarize"), 405, "method_not_allowed", null);
    }

    @Test
    void bodiesOverTheLimitAre413() throws Exception {
        String big = "{\"text\": \"" + "a ".repeat(40_000) + "\"}";
        assertError(post(server, "/v1/summarize", big), 413, "body_too_large", null);
    }

    @Test
    void longTextsAreTruncatedAndSaySoOrRejectedWith422() throws Exception {
        String longText = "Anna: we should meet at the station at noon. ".repeat(60);
        JsonNode truncated = JSON.readTree(post(server, "/v1/summarize", JSON.createObjectNode().put("text", longText)
                .put("max_new_tokens", 2).put("max_source_length", 32).toString()).body());
        assertTrue(truncated.get("truncated").asBoolean());
        assertTrue(truncated.get("input_tokens").asInt() > 32);

        try (SummarizationServer strict = SummarizationServer.start(config(c -> {
            c.rejectLongInputs = true;
            c.maxInputTokens = 64;
            return c;
        }), summarizer)) {
            var body = JSON.createObjectNode();
            body.putArray("texts").add("short one").add(longText);
            HttpResponse<String> r = post(strict, "/v1/summarize", body.toString());
            assertError(r, 422, "text_too_long", "texts[1]");
            assertTrue(JSON.readTree(r.body()).at("/error/message").asText().endsWith("the limit is 64"));
        }
    }

    @Test
    void apiKeysAreCheckedOnTheApiOnly() throws Exception {
        try (SummarizationServer secured = SummarizationServer.start(config(c -> {
            c.apiKey = "s3cret";
            return c;
        }), summarizer)) {
            HttpResponse<String> none = post(secured, "/v1/summarize", "{\"text\": \"hi\"}");
            assertError(none, 401, "unauthorized", null);
            assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElse(""));
            assertError(post(secured, "/v1/summarize", "{\"text\": \"hi\"}", "Authorization", "Bearer wrong"), 401, "unauthorized", null);
            assertEquals(200, post(secured, "/v1/summarize", "{\"text\": \"hi\", \"max_new_tokens\": 2}", "Authorization",
                    "Bearer s3cret").statusCode());
            assertEquals(200, get(secured, "/healthz").statusCode());
        }
    }

    @Test
    void corsIsOffUnlessAnOriginIsAllowed() throws Exception {
        HttpResponse<String> plain = post(server, "/v1/summarize", "{\"text\": \"hi\", \"max_new_tokens\": 2}",
                "Origin", "http://example.com");
        assertNull(plain.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        try (SummarizationServer open = SummarizationServer.start(config(c -> {
            c.cors = List.of("http://example.com");
            return c;
        }), summarizer)) {
            HttpResponse<String> r = post(open, "/v1/summarize", "{\"text\": \"hi\", \"max_new_tokens\": 2}", "Origin",
                    "http://example.com");
            assertEquals("http://example.com", r.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        }
    }

    @Test
    void aFullQueueAnswers503WithRetryAfterAndSlowRequestsTimeOutWith504() throws Exception {
        try (SummarizationServer small = SummarizationServer.start(config(c -> {
            c.queueCapacity = 1;
            c.maxBatchSize = 1;
            c.maxWaitMillis = 0;
            return c;
        }), summarizer)) {
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<Future<HttpResponse<String>>> futures = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    futures.add(pool.submit(() -> post(small, "/v1/summarize",
                            "{\"text\": \"Anna: a slow one\", \"max_new_tokens\": 200, \"min_new_tokens\": 200, \"num_beams\": 4}")));
                }
                int refused = 0;
                for (Future<HttpResponse<String>> f : futures) {
                    HttpResponse<String> r = f.get();
                    if (r.statusCode() == 503) {
                        assertError(r, 503, "queue_full", null);
                        assertEquals("1", r.headers().firstValue("Retry-After").orElse(""));
                        refused++;
                    } else {
                        assertEquals(200, r.statusCode(), r.body());
                    }
                }
                assertTrue(refused >= 1, "some of 6 concurrent requests overflow a queue of 1");
            } finally {
                pool.shutdown();
            }
        }
        try (SummarizationServer impatient = SummarizationServer.start(config(c -> {
            c.requestTimeoutMillis = 30;
            return c;
        }), summarizer)) {
            assertError(post(impatient, "/v1/summarize",
                    "{\"text\": \"Anna: a slow one\", \"max_new_tokens\": 200, \"min_new_tokens\": 200, \"num_beams\": 4}"),
                    504, "timeout", null);
        }
    }

    @Test
    void streamingSendsPiecesThatAddUpToTheSummary() throws Exception {
        HttpResponse<String> r = post(server, "/v1/summarize/stream",
                JSON.createObjectNode().put("text", DIALOGUE).put("max_new_tokens", 10).toString());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        StringBuilder streamed = new StringBuilder();
        JsonNode done = null;
        int pieces = 0;
        for (String event : r.body().split("\n\n")) {
            String[] lines = event.split("\n");
            String name = lines[0].substring("event: ".length());
            JsonNode data = JSON.readTree(lines[1].substring("data: ".length()));
            if (name.equals("token")) {
                streamed.append(data.get("text").asText());
                pieces++;
            } else if (name.equals("done")) {
                done = data;
            }
        }
        assertTrue(done != null, r.body());
        assertTrue(pieces > 1, r.body());
        String expected = summarizer.summarize(List.of(DIALOGUE), greedy(10)).get(0).text();
        assertEquals(expected, done.get("summary").asText());
        assertEquals(expected, streamed.toString());
    }

    @Test
    void shutdownFinishesRequestsInFlightAndRefusesNewOnes() throws Exception {
        SummarizationServer closing = SummarizationServer.start(config(c -> c), summarizer);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            var slow = JSON.createObjectNode().put("max_new_tokens", 250).put("min_new_tokens", 250).put("num_beams", 4);
            var texts = slow.putArray("texts");
            for (int i = 0; i < 16; i++) {
                texts.add("Anna: a slow one, number " + i);
            }
            Future<HttpResponse<String>> inFlight = pool.submit(() -> post(closing, "/v1/summarize", slow.toString()));
            while (!closing.busy()) { // until the request is queued or being decoded
                Thread.sleep(5);
            }
            int port = closing.port();
            Thread closer = Thread.ofPlatform().start(() -> {
                try {
                    closing.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(50);
            HttpResponse<String> late = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(503, late.statusCode());
            HttpResponse<String> done = inFlight.get();
            assertEquals(200, done.statusCode(), done.body());
            assertEquals(250, JSON.readTree(done.body()).get("summaries").get(15).get("tokens").asInt());
            closer.join();
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void aBatchStopsWhenItsClientHangsUp() throws Exception {
        try (SummarizationServer s = SummarizationServer.start(config(c -> c), summarizer)) {
            // Decoding waits before its first step until the server has seen the client go (or 30 s pass), so the batch cannot
            // finish before it is given up, however fast or slow the machine is.
            CountDownLatch decoding = new CountDownLatch(1);
            ((BatchScheduler) s.scheduler()).beforeStep = batch -> {
                decoding.countDown();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!batch.stream().allMatch(BatchScheduler.Pending::givenUp) && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
            };
            String body = JSON.createObjectNode().put("text", "Anna: a slow one").put("max_new_tokens", 250)
                    .put("min_new_tokens", 250).put("num_beams", 4).toString();
            try (var socket = new java.net.Socket("127.0.0.1", s.port())) {
                var out = socket.getOutputStream();
                out.write(("POST /v1/summarize HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                        + body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                out.flush();
                assertTrue(decoding.await(30, TimeUnit.SECONDS), "the request was never decoded");
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            String scrape = get(s, "/metrics").body();
            String hungUp = "summarizer_http_requests_total{endpoint=\"/v1/summarize\",status=\"499\"}";
            while ((metric(scrape, "summarizer_batches_stopped_total") < 1 || metric(scrape, hungUp) < 1 || s.busy())
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
                scrape = get(s, "/metrics").body();
            }
            ((BatchScheduler) s.scheduler()).beforeStep = batch -> {};
            assertEquals(1.0, metric(scrape, "summarizer_batches_stopped_total"), scrape);
            assertEquals(1.0, metric(scrape, hungUp), scrape);
            assertFalse(s.busy());
            assertEquals(200, post(s, "/v1/summarize", "{\"text\": \"hi\", \"max_new_tokens\": 2}").statusCode());
        }
    }

    private static void assertError(HttpResponse<String> r, int status, String code, String field) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode error = JSON.readTree(r.body()).get("error");
        assertEquals(code, error.get("code").asText(), r.body());
        assertFalse(error.get("message").asText().isBlank());
        if (field == null) {
            assertTrue(error.get("field").isNull(), r.body());
        } else {
            assertEquals(field, error.get("field").asText(), r.body());
        }
    }
}

package dev.summarizer.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.summarizer.generate.ContinuousBatch;
import dev.summarizer.generate.DecodingSettings;
import dev.summarizer.generate.EarlyStopping;
import dev.summarizer.generate.GenerationSettings;
import dev.summarizer.generate.Summary;
import dev.summarizer.generate.Summarizer;
import dev.summarizer.generate.OnnxSeq2SeqModel;
import dev.summarizer.export.ModelDtype;
import dev.summarizer.export.quantize.QuantizationSpec;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.runtime.Device;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server with {@code --batching continuous}: concurrent requests of mixed settings, single and several texts,
 * streamed or not, each answered with what the model gives its text alone; the limits the batch's rows set; a failed
 * step's texts decoded again alone; and a drain that lets running texts finish.
 */
class ContinuousServingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static SummarizationServer server;
    static final AtomicInteger failNextStep = new AtomicInteger();
    static final AtomicInteger largestStep = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        ServerTest.startIn(dir);
        server = SummarizationServer.start(ServerTest.config(c -> {
            c.batching = Batching.CONTINUOUS;
            c.maxBatchSize = 3;
            return c;
        }), ServerTest.summarizer, new ContinuousBatch.StepListener() {
            @Override
            public void beforeStep(int rows, int texts) {
                largestStep.accumulateAndGet(rows, Math::max);
                if (failNextStep.getAndSet(0) == 1) {
                    throw new IllegalStateException("injected step failure");
                }
            }
        });
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        ServerTest.stop();
    }

    private static String text(int i) {
        return "Speaker" + i + ": shall we meet at " + (i + 1) + " o'clock near gate " + (i * 7 % 5) + "?\nOther: "
                + "sure, ".repeat(i % 4) + "see you.";
    }

    private static Summary alone(String text, DecodingSettings decoding) throws Exception {
        GenerationSettings d = ServerTest.summarizer.defaults();
        return ServerTest.summarizer.summarize(List.of(text), new GenerationSettings(d.source().withMaxSourceLength(512), decoding))
                .get(0);
    }

    private record Ask(ObjectNode body, List<String> texts, DecodingSettings decoding) {}

    private static Ask randomRequest(Random random, int i) {
        int maxNew = 2 + random.nextInt(30);
        int beams = random.nextInt(3) == 0 ? 2 + random.nextInt(2) : 1;
        int ngram = random.nextInt(3) == 0 ? 2 : 0;
        DecodingSettings decoding = new DecodingSettings(maxNew, 0, beams, 1.0, EarlyStopping.FALSE, ngram);
        ObjectNode body = JSON.createObjectNode().put("max_new_tokens", maxNew).put("num_beams", beams)
                .put("no_repeat_ngram_size", ngram).put("early_stopping", false);
        List<String> texts = new ArrayList<>();
        if (random.nextInt(4) == 0) {
            for (int j = 0; j < 2 + random.nextInt(2); j++) {
                texts.add(text(i * 10 + j));
            }
            texts.forEach(body.putArray("texts")::add);
        } else {
            texts.add(text(i));
            body.put("text", texts.get(0));
        }
        return new Ask(body, texts, decoding);
    }

    @Test
    void concurrentMixedRequestsGetWhatEachTextGetsAlone() throws Exception {
        Random random = new Random(5);
        List<Ask> asks = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            asks.add(randomRequest(random, i));
        }
        String before = ServerTest.get(server, "/metrics").body();
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        for (Ask a : asks) {
            answers.add(pool.submit((Callable<HttpResponse<String>>) () -> {
                Thread.sleep(random.nextInt(200));
                return ServerTest.post(server, "/v1/summarize", a.body().toString());
            }));
        }
        for (int i = 0; i < asks.size(); i++) {
            HttpResponse<String> r = answers.get(i).get();
            assertEquals(200, r.statusCode(), r.body());
            JsonNode body = JSON.readTree(r.body());
            Ask a = asks.get(i);
            for (int j = 0; j < a.texts().size(); j++) {
                JsonNode got = a.texts().size() == 1 ? body : body.get("summaries").get(j);
                Summary expected = alone(a.texts().get(j), a.decoding());
                assertEquals(expected.text(), got.get("summary").asText(), "request " + i + " text " + j + ": " + a.body());
                assertEquals(expected.tokenIds().length, got.get("tokens").asInt(), "request " + i + " text " + j);
            }
        }
        pool.shutdown();
        assertTrue(largestStep.get() > 1, "requests should have shared steps");
        String metrics = ServerTest.get(server, "/metrics").body();
        assertTrue(ServerTest.metric(metrics, "summarizer_step_rows_count") > 0, metrics);
        int texts = asks.stream().mapToInt(a -> a.texts().size()).sum();
        assertEquals(texts, ServerTest.metric(metrics, "summarizer_queue_wait_seconds_count")
                - ServerTest.metric(before, "summarizer_queue_wait_seconds_count"), "each text joins once");
    }

    @Test
    void streamingJoinsTheRunningBatch() throws Exception {
        String text = text(3);
        Future<HttpResponse<String>> other = Executors.newVirtualThreadPerTaskExecutor().submit(() -> ServerTest.post(server,
                "/v1/summarize", JSON.createObjectNode().put("text", text(4)).put("max_new_tokens", 40).put("num_beams", 2)
                        .toString()));
        HttpResponse<String> r = ServerTest.post(server, "/v1/summarize/stream",
                JSON.createObjectNode().put("text", text).put("max_new_tokens", 12).toString());
        assertEquals(200, r.statusCode(), r.body());
        StringBuilder streamed = new StringBuilder();
        String done = null;
        String event = null;
        for (String line : r.body().split("\n")) {
            if (line.startsWith("event: ")) {
                event = line.substring(7);
            } else if (line.startsWith("data: ")) {
                JsonNode data = JSON.readTree(line.substring(6));
                if ("token".equals(event)) {
                    streamed.append(data.get("text").asText());
                } else if ("done".equals(event)) {
                    done = data.get("summary").asText();
                }
            }
        }
        String expected = alone(text, new DecodingSettings(12, 0, 1, 1.0, EarlyStopping.FALSE, 0)).text();
        assertEquals(expected, done);
        assertEquals(expected, streamed.toString());
        assertEquals(200, other.get().statusCode());
    }

    @Test
    void moreBeamsThanTheBatchHasRowsIs400() throws Exception {
        HttpResponse<String> r = ServerTest.post(server, "/v1/summarize",
                JSON.createObjectNode().put("text", text(1)).put("num_beams", 4).toString());
        assertEquals(400, r.statusCode(), r.body());
        JsonNode error = JSON.readTree(r.body()).get("error");
        assertEquals("num_beams", error.get("field").asText());
        assertTrue(error.get("message").asText().contains("--max-batch-size"), r.body());
    }

    @Test
    void aTextWhoseStepFailedIsDecodedAgainAlone() throws Exception {
        failNextStep.set(1);
        HttpResponse<String> r = ServerTest.post(server, "/v1/summarize",
                JSON.createObjectNode().put("text", text(6)).put("max_new_tokens", 9).put("num_beams", 1).toString());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(0, failNextStep.get(), "the failure should have been injected");
        assertEquals(alone(text(6), DecodingSettings.greedy(9)).text(), JSON.readTree(r.body()).get("summary").asText());
    }

    @Test
    void promptLookupWaitsForCompanyOfItsOwnAndGetsPlainGreedyIds() throws Exception {
        HttpResponse<String> r = ServerTest.post(server, "/v1/summarize", JSON.createObjectNode().put("text", text(2))
                .put("max_new_tokens", 20).put("num_beams", 1).put("prompt_lookup_num_tokens", 4).toString());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(alone(text(2), DecodingSettings.greedy(20)).text(), JSON.readTree(r.body()).get("summary").asText());
    }

    /** As serve opens it: the decoder files stay closed through warm-up and batched requests, until prompt lookup. */
    @Test
    void theDecoderFilesOpenOnlyWhenPromptLookupNeedsThem() throws Exception {
        ServerConfig config = ServerTest.config(c -> {
            c.batching = Batching.CONTINUOUS;
            c.maxBatchSize = 3;
            return c;
        });
        try (Summarizer lazy = SummarizationServer.loadModel(config);
                SummarizationServer lean = SummarizationServer.start(config, lazy)) {
            assertFalse(lazy.model().decodersOpen(), "the warm-up should decode in the batch only");
            HttpResponse<String> plain = ServerTest.post(lean, "/v1/summarize", JSON.createObjectNode().put("text", text(5))
                    .put("max_new_tokens", 10).put("num_beams", 2).put("early_stopping", false).toString());
            assertEquals(200, plain.statusCode(), plain.body());
            assertEquals(alone(text(5), new DecodingSettings(10, 0, 2, 1.0, EarlyStopping.FALSE, 0)).text(),
                    JSON.readTree(plain.body()).get("summary").asText());
            assertFalse(lazy.model().decodersOpen(), "a batched request needs no decoder file");
            HttpResponse<String> lookup = ServerTest.post(lean, "/v1/summarize", JSON.createObjectNode().put("text", text(7))
                    .put("max_new_tokens", 15).put("num_beams", 1).put("prompt_lookup_num_tokens", 3).toString());
            assertEquals(200, lookup.statusCode(), lookup.body());
            assertEquals(alone(text(7), DecodingSettings.greedy(15)).text(), JSON.readTree(lookup.body()).get("summary").asText());
            assertTrue(lazy.model().decodersOpen());
        }
    }

    @Test
    void quantizedWeightsDecodeAsTheQuantizedFilesDo() throws Exception {
        Path model = dir.resolve("quantized");
        assertEquals(0, dev.summarizer.testing.Cli.run("init", "--config", "tiny", "--out", model.toString(), "--seed", "6").status());
        // Not the default block size: the batch's decoder must quantize as these files were made, not as q8 usually is.
        assertEquals(0, dev.summarizer.testing.Cli.run("export", "--model", model.toString(), "--quantize", "q8",
                "--quantize-block-size", "16").status());
        try (Summarizer q8 = Summarizer.open(ModelFolder.open(model), Device.CPU, 1, OnnxSeq2SeqModel.DecoderMode.SEPARATE,
                ModelDtype.Q8)) {
            assertEquals(new QuantizationSpec(8, 16, 4), q8.model().quantization(), "read from the files");
            ServerConfig base = ServerTest.config(c -> {
                c.batching = Batching.CONTINUOUS;
                return c;
            });
            ServerConfig config = new ServerConfig(model, base.host(), 0, Device.CPU, 1, base.decoderMode(), 4, 10, 64, 60_000,
                    base.maxBodyBytes(), 512, false, 16, base.maxRequestTokens(), 256, 4, null, List.of(), 10_000,
                    Batching.CONTINUOUS, ModelDtype.Q8);
            try (SummarizationServer quantized = SummarizationServer.start(config, q8)) {
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
                List<Future<HttpResponse<String>>> answers = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    String body = JSON.createObjectNode().put("text", text(i)).put("max_new_tokens", 6 + 3 * i)
                            .put("num_beams", 1 + i % 2).toString();
                    answers.add(pool.submit(() -> ServerTest.post(quantized, "/v1/summarize", body)));
                }
                GenerationSettings d = q8.defaults();
                for (int i = 0; i < 6; i++) {
                    HttpResponse<String> r = answers.get(i).get();
                    assertEquals(200, r.statusCode(), r.body());
                    DecodingSettings decoding = new DecodingSettings(6 + 3 * i, 0, 1 + i % 2, 1.0, EarlyStopping.FALSE, 0);
                    Summary expected = q8.summarize(List.of(text(i)), new GenerationSettings(d.source().withMaxSourceLength(512),
                            decoding)).get(0);
                    assertEquals(expected.text(), JSON.readTree(r.body()).get("summary").asText(), "text " + i);
                    assertEquals(expected.tokenIds().length, JSON.readTree(r.body()).get("tokens").asInt(), "tokens " + i);
                }
                pool.shutdown();
            }
        }
    }

    @Test
    void aDrainLetsRunningTextsFinish() throws Exception {
        SummarizationServer draining = SummarizationServer.start(ServerTest.config(c -> {
            c.batching = Batching.CONTINUOUS;
            return c;
        }), ServerTest.summarizer);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        List<Future<HttpResponse<String>>> running = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String body = JSON.createObjectNode().put("text", text(i)).put("max_new_tokens", 60).put("num_beams", 1).toString();
            running.add(pool.submit(() -> ServerTest.post(draining, "/v1/summarize", body)));
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (((ContinuousScheduler) draining.scheduler()).texts() < 4 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        int port = draining.port();
        draining.close();
        for (Future<HttpResponse<String>> f : running) {
            assertEquals(200, f.get().statusCode(), f.get().body());
        }
        assertTrue(port > 0);
        pool.shutdown();
    }
}

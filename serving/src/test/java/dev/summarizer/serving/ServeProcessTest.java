package dev.summarizer.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.summarizer.testing.Cli;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code serve} command as a real process: what a supervisor's SIGTERM does to the requests in flight. */
class ServeProcessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern LISTENING = Pattern.compile("on http://127\\.0\\.0\\.1:(\\d+)/");

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"static", "continuous"})
    void sigtermLetsTheRunningRequestAndStreamFinishThenExitsZero(String batching) throws Exception {
        Path model = dir.resolve("tiny");
        assertEquals(0, Cli.run("init", "--config", "tiny", "--out", model.toString(), "--seed", "8").status());
        assertEquals(0, Cli.run("export", "--model", model.toString()).status());
        Path log = dir.resolve("serve.log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.summarizer.cli.Main",
                "serve", "--model", model.toString(), "--port", "0", "--threads", "1", "--shutdown-timeout-ms", "60000",
                "--batching", batching));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("ORT_DISABLE_TELEMETRY", "1");
        builder.environment().put("OPT_OUT_TRACKING", "true");
        Process process = builder.start();
        try {
            int port = awaitPort(process, log);
            String body = JSON.createObjectNode().put("text", "Anna: a slow one").put("max_new_tokens", 250)
                    .put("min_new_tokens", 250).put("num_beams", 4).toString();
            CompletableFuture<HttpResponse<String>> inFlight = HTTP.sendAsync(HttpRequest.newBuilder(url(port, "/v1/summarize"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!get(port, "/metrics").contains("summarizer_decoding_texts 1.0")) {
                assertTrue(System.nanoTime() < deadline, "the request never started decoding");
                Thread.sleep(20);
            }
            // A stream behind it (queued under static batching, beside it under continuous batching): it must be
            // decoded and sent to its end during the drain.
            String streamBody = JSON.createObjectNode().put("text", "Ben: and a streamed one").put("max_new_tokens", 60)
                    .put("min_new_tokens", 60).put("num_beams", 1).toString();
            CompletableFuture<HttpResponse<String>> stream = HTTP.sendAsync(HttpRequest.newBuilder(
                    url(port, "/v1/summarize/stream")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(streamBody)).build(), HttpResponse.BodyHandlers.ofString());
            String waiting = batching.equals("static") ? "summarizer_queue_depth 1.0" : "summarizer_decoding_texts 2.0";
            while (!get(port, "/metrics").contains(waiting)) {
                assertTrue(System.nanoTime() < deadline, "the stream never joined (" + waiting + ")");
                Thread.sleep(20);
            }

            process.destroy(); // SIGTERM
            HttpResponse<String> answer = inFlight.get(60, TimeUnit.SECONDS);
            assertEquals(200, answer.statusCode(), answer.body());
            JsonNode summary = JSON.readTree(answer.body());
            assertEquals(250, summary.get("tokens").asInt(), answer.body());
            HttpResponse<String> streamed = stream.get(60, TimeUnit.SECONDS);
            assertEquals(200, streamed.statusCode());
            assertTrue(streamed.body().contains("event: done"), streamed.body());
            assertTrue(streamed.body().contains("\"tokens\":60"), streamed.body());
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the server did not exit");
            String output = Files.readString(log);
            assertEquals(0, process.exitValue(), output);
            assertTrue(output.contains("shutting down: finishing the requests in flight"), output);
            assertFalse(output.contains("DefaultLogger") || output.contains("Exception"), output);
        } finally {
            process.destroyForcibly();
        }
    }

    private static int awaitPort(Process process, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(Files.exists(log) ? Files.readString(log) : "");
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            assertTrue(process.isAlive(), () -> "serve exited: " + read(log));
            Thread.sleep(50);
        }
        throw new AssertionError("serve did not start: " + read(log));
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static URI url(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static String get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(url(port, path)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}

package dev.summarizer.serving.bench;

import dev.summarizer.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop load test of {@code POST /v1/summarize}: CLIENTS clients each send a request, wait for its answer and
 * send the next, for SECONDS seconds, taking the texts of a JSONL file in turn. Prints one JSON object: requests,
 * errors by status, throughput, generated tokens per second, latency percentiles and the server's mean batch size
 * over the run (from its /metrics). Exits 1 when any request failed.
 *
 * <pre>LoadTest URL INPUT.jsonl CLIENTS SECONDS [REQUEST_FIELDS_JSON]</pre>
 * e.g. {@code LoadTest http://127.0.0.1:8080 rows.jsonl 16 60 '{"num_beams": 1, "max_new_tokens": 64}'}
 */
public final class LoadTest {
    private static final ObjectMapper JSON = Json.MAPPER;

    private LoadTest() {}

    /** What one client saw. */
    private static final class ClientLog {
        final List<Long> latencyNanos = new ArrayList<>();
        final Map<String, Integer> errors = new TreeMap<>();
        long tokens;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: LoadTest URL INPUT.jsonl CLIENTS SECONDS [REQUEST_FIELDS_JSON]");
            System.exit(2);
        }
        URI endpoint = URI.create(args[0].replaceAll("/+$", "") + "/v1/summarize");
        List<String> texts = texts(Path.of(args[1]));
        int clients = Integer.parseInt(args[2]);
        long seconds = Long.parseLong(args[3]);
        ObjectNode fields = args.length > 4 ? (ObjectNode) JSON.readTree(args[4]) : JSON.createObjectNode();

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        URI metricsUri = URI.create(args[0].replaceAll("/+$", "") + "/metrics");
        double[] batchesBefore = batchSizes(http, metricsUri);
        AtomicLong next = new AtomicLong();
        long start = System.nanoTime();
        long end = start + Duration.ofSeconds(seconds).toNanos();
        List<ClientLog> logs = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        for (int c = 0; c < clients; c++) {
            ClientLog log = new ClientLog();
            logs.add(log);
            pool.submit(() -> {
                while (System.nanoTime() < end) {
                    ObjectNode body = fields.deepCopy().put("text", texts.get((int) (next.getAndIncrement() % texts.size())));
                    long sent = System.nanoTime();
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofMinutes(5))
                                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                                .build(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200) {
                            log.latencyNanos.add(System.nanoTime() - sent);
                            log.tokens += JSON.readTree(r.body()).path("tokens").asLong();
                        } else {
                            log.errors.merge(String.valueOf(r.statusCode()), 1, Integer::sum);
                        }
                    } catch (Exception e) {
                        log.errors.merge(e.getClass().getSimpleName(), 1, Integer::sum);
                    }
                }
                return null;
            });
        }
        pool.shutdown();
        while (!pool.awaitTermination(1, java.util.concurrent.TimeUnit.SECONDS)) {
            // The last requests finish after the deadline; the wall time counts them.
        }
        double wall = (System.nanoTime() - start) / 1e9;
        double[] batchesAfter = batchSizes(http, metricsUri);
        double batches = batchesAfter[0] - batchesBefore[0];

        long[] latencies = logs.stream().flatMap(l -> l.latencyNanos.stream()).mapToLong(Long::longValue).sorted().toArray();
        Map<String, Integer> errors = new TreeMap<>();
        logs.forEach(l -> l.errors.forEach((k, v) -> errors.merge(k, v, Integer::sum)));
        long tokens = logs.stream().mapToLong(l -> l.tokens).sum();
        ObjectNode report = JSON.createObjectNode();
        report.put("clients", clients).put("seconds", Math.round(wall * 10) / 10.0).put("requests", latencies.length);
        report.set("errors", JSON.valueToTree(errors));
        report.put("summaries_per_second", round(latencies.length / wall)).put("tokens_per_second", round(tokens / wall));
        report.put("latency_ms_p50", millis(percentile(latencies, 0.50))).put("latency_ms_p90", millis(percentile(latencies, 0.90)))
                .put("latency_ms_p99", millis(percentile(latencies, 0.99)))
                .put("latency_ms_max", millis(latencies.length == 0 ? 0 : latencies[latencies.length - 1]));
        report.put("mean_batch_size", batches > 0 ? round((batchesAfter[1] - batchesBefore[1]) / batches) : 0);
        report.set("request", fields);
        System.out.println(report);
        System.exit(errors.isEmpty() && latencies.length > 0 ? 0 : 1);
    }

    /** The server's batch count and the texts in them so far, from its Prometheus metrics. */
    private static double[] batchSizes(HttpClient http, URI metrics) throws Exception {
        String scrape = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
        double[] countAndSum = new double[2];
        for (String line : scrape.split("\n")) {
            if (line.startsWith("summarizer_batch_size_count ")) {
                countAndSum[0] = Double.parseDouble(line.substring(line.indexOf(' ') + 1));
            } else if (line.startsWith("summarizer_batch_size_sum ")) {
                countAndSum[1] = Double.parseDouble(line.substring(line.indexOf(' ') + 1));
            }
        }
        return countAndSum;
    }

    private static List<String> texts(Path input) throws Exception {
        List<String> texts = new ArrayList<>();
        for (String line : Files.readAllLines(input)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode row = JSON.readTree(line);
            String text = row.has("text") ? row.get("text").asText() : row.path("dialogue").asText();
            if (!text.isBlank()) {
                texts.add(text);
            }
        }
        if (texts.isEmpty()) {
            throw new IllegalArgumentException(input + ": no rows with a \"text\" or \"dialogue\"");
        }
        return texts;
    }

    /** The nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 1e5) / 10.0;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}

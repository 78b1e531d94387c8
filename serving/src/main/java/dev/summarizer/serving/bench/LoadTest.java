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
 * send the next, for SECONDS seconds, taking the texts of a JSONL file in turn. REQUEST_FIELDS_JSON is one object of
 * request fields for every client, or an array of them, one class of requests each. MIX says who asks which class:
 * {@code by-client} (the default), client c always asks class {@code c % classes}, a lone client asks them in turn;
 * {@code in-turn}, every client asks them in turn, starting at class {@code c % classes}, so the answers stay one of
 * each class to within one a client, however the server orders them (under {@code by-client}, the clients whose
 * requests are answered sooner send more of them). Prints one JSON object: requests, errors by status, throughput, generated tokens per second,
 * latency percentiles (overall and per class), and from the server's /metrics over the run its mean batch size and
 * mean rows per decoder step (the batch occupancy). Exits 1 when any request failed.
 *
 * <pre>LoadTest URL INPUT.jsonl CLIENTS SECONDS [REQUEST_FIELDS_JSON [MIX]]</pre>
 * e.g. {@code LoadTest http://127.0.0.1:8080 rows.jsonl 16 60 '[{"max_new_tokens": 8}, {"max_new_tokens": 64}]'}
 */
public final class LoadTest {
    private static final ObjectMapper JSON = Json.MAPPER;

    private LoadTest() {}

    /** What one client saw. */
    private static final class ClientLog {
        final List<Long> latencyNanos = new ArrayList<>();
        final Map<String, Integer> errors = new TreeMap<>();
        final int requestClass;
        long tokens;

        ClientLog(int requestClass) {
            this.requestClass = requestClass;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: LoadTest URL INPUT.jsonl CLIENTS SECONDS [REQUEST_FIELDS_JSON [by-client|in-turn]]");
            System.exit(2);
        }
        URI endpoint = URI.create(args[0].replaceAll("/+$", "") + "/v1/summarize");
        List<String> texts = texts(Path.of(args[1]));
        int clients = Integer.parseInt(args[2]);
        long seconds = Long.parseLong(args[3]);
        JsonNode given = args.length > 4 ? JSON.readTree(args[4]) : JSON.createObjectNode();
        String mix = args.length > 5 ? args[5] : "by-client";
        if (!mix.equals("by-client") && !mix.equals("in-turn")) {
            System.err.println("LoadTest: MIX is by-client or in-turn, got " + mix);
            System.exit(2);
        }
        List<ObjectNode> classes = new ArrayList<>();
        if (given.isArray()) {
            given.forEach(c -> classes.add((ObjectNode) c));
        } else {
            classes.add((ObjectNode) given);
        }

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        URI metricsUri = URI.create(args[0].replaceAll("/+$", "") + "/metrics");
        double[] before = serverCounts(http, metricsUri);
        AtomicLong next = new AtomicLong();
        long start = System.nanoTime();
        long end = start + Duration.ofSeconds(seconds).toNanos();
        List<ClientLog> logs = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        for (int c = 0; c < clients; c++) {
            boolean inTurn = classes.size() > 1 && (clients == 1 || mix.equals("in-turn"));
            List<ClientLog> own = new ArrayList<>();
            for (int k = 0; k < (inTurn ? classes.size() : 1); k++) {
                own.add(new ClientLog((c + k) % classes.size()));
            }
            logs.addAll(own);
            pool.submit(() -> {
                for (long sentByThisClient = 0; System.nanoTime() < end; sentByThisClient++) {
                    ClientLog log = own.get((int) (sentByThisClient % own.size()));
                    ObjectNode body = classes.get(log.requestClass).deepCopy().put("text", texts.get((int) (next.getAndIncrement() % texts.size())));
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
        double[] after = serverCounts(http, metricsUri);
        double batches = after[0] - before[0];
        double steps = after[2] - before[2];

        long[] latencies = sortedLatencies(logs);
        Map<String, Integer> errors = new TreeMap<>();
        logs.forEach(l -> l.errors.forEach((k, v) -> errors.merge(k, v, Integer::sum)));
        long tokens = logs.stream().mapToLong(l -> l.tokens).sum();
        ObjectNode report = JSON.createObjectNode();
        report.put("mix", mix).put("clients", clients).put("seconds", Math.round(wall * 10) / 10.0).put("requests", latencies.length);
        report.set("errors", JSON.valueToTree(errors));
        report.put("summaries_per_second", round(latencies.length / wall)).put("tokens_per_second", round(tokens / wall));
        putLatencies(report, latencies);
        report.put("mean_batch_size", batches > 0 ? round((after[1] - before[1]) / batches) : 0);
        report.put("mean_step_rows", steps > 0 ? round((after[3] - before[3]) / steps) : 0);
        if (classes.size() == 1) {
            report.set("request", classes.get(0));
        } else {
            var perClass = report.putArray("classes");
            for (int k = 0; k < classes.size(); k++) {
                int requestClass = k;
                List<ClientLog> ofClass = logs.stream().filter(l -> l.requestClass == requestClass).toList();
                long[] classLatencies = sortedLatencies(ofClass);
                ObjectNode row = perClass.addObject();
                row.set("request", classes.get(k));
                row.put("requests", classLatencies.length)
                        .put("summaries_per_second", round(classLatencies.length / wall));
                putLatencies(row, classLatencies);
            }
        }
        System.out.println(report);
        System.exit(errors.isEmpty() && latencies.length > 0 ? 0 : 1);
    }

    private static long[] sortedLatencies(List<ClientLog> logs) {
        return logs.stream().flatMap(l -> l.latencyNanos.stream()).mapToLong(Long::longValue).sorted().toArray();
    }

    private static void putLatencies(ObjectNode report, long[] sorted) {
        report.put("latency_ms_p50", millis(percentile(sorted, 0.50))).put("latency_ms_p90", millis(percentile(sorted, 0.90)))
                .put("latency_ms_p99", millis(percentile(sorted, 0.99)))
                .put("latency_ms_max", millis(sorted.length == 0 ? 0 : sorted[sorted.length - 1]));
    }

    /**
     * From the server's Prometheus metrics so far: batches and the texts in them, decoder steps and the rows they ran.
     */
    private static double[] serverCounts(HttpClient http, URI metrics) throws Exception {
        String scrape = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
        List<String> names = List.of("summarizer_batch_size_count ", "summarizer_batch_size_sum ", "summarizer_step_rows_count ",
                "summarizer_step_rows_sum ");
        double[] counts = new double[names.size()];
        for (String line : scrape.split("\n")) {
            for (int i = 0; i < names.size(); i++) {
                if (line.startsWith(names.get(i))) {
                    counts[i] = Double.parseDouble(line.substring(names.get(i).length()));
                }
            }
        }
        return counts;
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

package dev.summarizer.serving;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server's Prometheus metrics: requests by endpoint and status, request latency, queue depth, batch
 * sizes, rows per decoder step, how long texts waited to start decoding, generated tokens, the tokens per second of
 * the last batch (or step), and batches stopped because nobody waited for them any more.
 */
final class ServerMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicLong queueDepth = new AtomicLong();
    private final AtomicLong decodingTexts = new AtomicLong();
    private final AtomicLong tokensPerSecond = new AtomicLong();
    private final DistributionSummary batchSizes;
    private final DistributionSummary stepRows;
    private final Counter generatedTokens;
    private final Counter stoppedBatches;
    private final Timer queueWait;

    ServerMetrics() {
        registry.gauge("summarizer_queue_depth", queueDepth);
        registry.gauge("summarizer_decoding_texts", decodingTexts);
        registry.gauge("summarizer_tokens_per_second", tokensPerSecond);
        batchSizes = DistributionSummary.builder("summarizer_batch_size")
                .description("texts decoded together").serviceLevelObjectives(1, 2, 4, 8, 16, 32).register(registry);
        stepRows = DistributionSummary.builder("summarizer_step_rows")
                .description("decoder rows one step ran (texts x beams; the mean is the batch occupancy)")
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32).register(registry);
        generatedTokens = Counter.builder("summarizer_generated_tokens").description("tokens generated").register(registry);
        queueWait = Timer.builder("summarizer_queue_wait")
                .description("from a text's arrival to the start of its decoding: its batch's (static), or its joining the"
                        + " running batch (continuous)")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(120)).register(registry);
        stoppedBatches = Counter.builder("summarizer_batches_stopped")
                .description("batches stopped early because every request in them was given up").register(registry);
    }

    void request(String endpoint, int status, long nanos) {
        Counter.builder("summarizer_http_requests").tag("endpoint", endpoint).tag("status", Integer.toString(status))
                .register(registry).increment();
        Timer.builder("summarizer_http_request_duration").tag("endpoint", endpoint).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(120))
                .register(registry).record(Duration.ofNanos(nanos));
    }

    void queueDepth(int depth) {
        queueDepth.set(depth);
    }

    /** Texts in the batch being decoded now; 0 between batches. */
    void decoding(int texts) {
        decodingTexts.set(texts);
    }

    void batch(int texts, long tokens, double seconds) {
        batchSizes.record(texts);
        generatedTokens.increment(tokens);
        tokensPerSecond.set(Math.round(tokens / Math.max(seconds, 1e-9)));
    }

    /** One decoder step over {@code rows} rows. */
    void step(int rows) {
        stepRows.record(rows);
    }

    /** A continuous batch's step: what it decoded and how fast. */
    void continuousStep(int rows, int texts, long nanos) {
        stepRows.record(rows);
        decodingTexts.set(texts);
        tokensPerSecond.set(Math.round(rows / Math.max(nanos / 1e9, 1e-9)));
    }

    /** A text of a continuous batch finished with {@code tokens} tokens. */
    void generated(long tokens) {
        batchSizes.record(1);
        generatedTokens.increment(tokens);
    }

    /** A text waited {@code nanos} before its decoding started. */
    void queueWait(long nanos) {
        queueWait.record(Duration.ofNanos(nanos));
    }

    void batchStopped() {
        stoppedBatches.increment();
    }

    String scrape() {
        return registry.scrape();
    }
}

package dev.summarizer.training.train;

import dev.summarizer.Json;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code metrics.jsonl}: one JSON row per logged training step ({@code step}, {@code epoch}, {@code loss},
 * {@code learning_rate}, {@code grad_norm}) and per evaluation ({@code eval_loss} and ROUGE), flushed row by
 * row so a run that stops still has its curve. A resumed run drops rows past the checkpoint's step first.
 */
final class MetricsLog implements AutoCloseable {
    private static final ObjectMapper JSON = Json.MAPPER;
    private final BufferedWriter out;

    private MetricsLog(BufferedWriter out) {
        this.out = out;
    }

    static MetricsLog create(Path file) throws IOException {
        return new MetricsLog(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    }

    /** Keeps the rows up to {@code step} (those a resumed run repeats are dropped) and appends from there. */
    static MetricsLog resume(Path file, long step) throws IOException {
        List<String> kept = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank() && JSON.readTree(line).path("step").asLong() <= step) {
                    kept.add(line);
                }
            }
        }
        Files.write(file, kept, StandardCharsets.UTF_8);
        return new MetricsLog(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND));
    }

    static ObjectNode row() {
        return JSON.createObjectNode();
    }

    void write(ObjectNode row) throws IOException {
        out.write(JSON.writeValueAsString(row));
        out.newLine();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}

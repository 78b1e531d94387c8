package dev.summarizer.training.train;

import dev.summarizer.Progress;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** Writes every logged row and every evaluation to {@code metrics.jsonl}, and prints evaluations on the progress line. */
final class MetricsCallback implements TrainerCallback {
    private final MetricsLog metrics;
    private final Progress progress;

    MetricsCallback(MetricsLog metrics, Progress progress) {
        this.metrics = metrics;
        this.progress = progress;
    }

    @Override
    public void onLog(TrainerState state, ObjectNode row) {
        write(row);
    }

    @Override
    public void onEvaluate(TrainerState state, TrainerControl control, Map<String, Double> results) {
        ObjectNode row = MetricsLog.row();
        row.put("step", state.globalStep);
        row.put("epoch", Trainer.round(state.epoch));
        results.forEach(row::put);
        write(row);
        state.logHistory.add(row);
        StringBuilder line = new StringBuilder("eval at step " + state.globalStep + ":");
        results.forEach((k, v) -> line.append(String.format(" %s %.4f", k, v)));
        progress.line(line.toString());
    }

    private void write(ObjectNode row) {
        try {
            metrics.write(row);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

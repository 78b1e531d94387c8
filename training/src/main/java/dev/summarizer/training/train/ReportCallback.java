package dev.summarizer.training.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.summarizer.Progress;
import dev.summarizer.training.report.TensorBoardEvents;
import dev.summarizer.training.report.TrainingCurves;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The run's curves for people to look at: {@code curves.png} after each evaluation and at the end, and with
 * {@code --report-to tensorboard} TensorBoard scalars under {@code OUTPUT_DIR/runs/}, named as transformers'
 * TensorBoardCallback names them ({@code train/loss}, {@code eval/loss}, {@code eval/rougeL}, ...). A picture that
 * cannot be drawn (a machine without fonts) is reported once and does not stop training.
 */
final class ReportCallback implements TrainerCallback, AutoCloseable {
    private final Path curves;
    private final String title;
    private final TensorBoardEvents events;
    private final Progress progress;
    private boolean drawingFailed;

    ReportCallback(Path outputDir, String title, TensorBoardEvents events, Progress progress) {
        this.curves = outputDir.resolve("curves.png");
        this.title = title;
        this.events = events;
        this.progress = progress;
    }

    @Override
    public void onLog(TrainerState state, ObjectNode row) {
        for (String name : new String[] {"loss", "learning_rate", "grad_norm"}) {
            if (row.has(name)) {
                scalar("train/" + name, state.globalStep, row.get(name).asDouble());
            }
        }
    }

    @Override
    public void onEvaluate(TrainerState state, TrainerControl control, Map<String, Double> metrics) {
        metrics.forEach((name, value) -> scalar("eval/" + name.substring("eval_".length()), state.globalStep, value));
        draw(state);
    }

    @Override
    public void onTrainEnd(TrainerState state) {
        draw(state);
    }

    private void scalar(String tag, long step, double value) {
        if (events == null) {
            return;
        }
        try {
            events.scalar(tag, step, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void draw(TrainerState state) {
        if (drawingFailed) {
            return;
        }
        try {
            TrainingCurves.draw(state.logHistory, title, curves);
        } catch (IOException | RuntimeException | Error e) {
            drawingFailed = true;
            progress.line("note: could not draw " + curves + " (" + e + "); metrics.jsonl has the same numbers");
        }
    }

    @Override
    public void close() throws IOException {
        if (events != null) {
            events.close();
        }
    }
}

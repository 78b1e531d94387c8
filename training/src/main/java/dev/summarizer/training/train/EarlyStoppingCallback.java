package dev.summarizer.training.train;

import dev.summarizer.Progress;
import java.util.Map;

/**
 * Stops the run after {@code patience} evaluations in a row whose metric did not improve on the best so far, as
 * transformers' {@code EarlyStoppingCallback} (threshold 0). The counter is part of the checkpointed state.
 */
final class EarlyStoppingCallback implements TrainerCallback {
    private final int patience;
    private final String metric;
    private final boolean greaterIsBetter;
    private final Progress progress;

    EarlyStoppingCallback(int patience, String metric, boolean greaterIsBetter, Progress progress) {
        this.patience = patience;
        this.metric = metric;
        this.greaterIsBetter = greaterIsBetter;
        this.progress = progress;
    }

    /** Runs before the trainer records a new best, so it compares with the best of the earlier evaluations. */
    @Override
    public void onEvaluate(TrainerState state, TrainerControl control, Map<String, Double> metrics) {
        double value = metrics.get(metric);
        boolean improved = state.bestMetric == null || (greaterIsBetter ? value > state.bestMetric : value < state.bestMetric);
        state.earlyStoppingPatienceCounter = improved ? 0 : state.earlyStoppingPatienceCounter + 1;
        if (state.earlyStoppingPatienceCounter >= patience) {
            progress.line(String.format("early stopping: %s did not improve for %d evaluations", metric,
                    state.earlyStoppingPatienceCounter));
            control.shouldTrainingStop = true;
        }
    }
}

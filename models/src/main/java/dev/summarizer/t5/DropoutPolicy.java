package dev.summarizer.t5;

import dev.summarizer.onnx.Graph;
import dev.summarizer.onnx.Value;

/** Where T5 applies dropout, the graphs either drop (training) or pass values through (inference, eval). */
@FunctionalInterface
public interface DropoutPolicy {
    Value apply(Graph g, Value x);

    DropoutPolicy NONE = (g, x) -> x;

    /** Training-mode Dropout nodes at {@code rate}, each with its own seed derived from {@code seed}. */
    static DropoutPolicy training(double rate, long seed) {
        if (rate == 0) {
            return NONE;
        }
        long[] next = {seed};
        return (g, x) -> g.dropout(x, rate, next[0]++).get(0);
    }
}

package dev.summarizer.generate;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.summarizer.onnx.DType;
import dev.summarizer.onnx.Dim;
import dev.summarizer.onnx.Graph;
import dev.summarizer.onnx.OnnxModelWriter;
import dev.summarizer.onnx.Shape;
import dev.summarizer.onnx.Value;
import java.util.List;
import java.util.Map;

/**
 * Small graphs that keep beam search's and prompt lookup's per-step tensor work inside ONNX Runtime (vectorised,
 * and without copying logits or caches through Java): choosing the best continuations, reordering cache rows, and
 * cutting the caches back to the positions a prompt-lookup pass kept.
 */
public final class DecodingHelperGraphs {
    static final String LOGITS = "logits";
    static final String BEAM_SCORES = "beam_scores";
    static final String BANNED_INDICES = "banned_indices";
    static final String BANNED_VALUES = "banned_values";
    static final String CANDIDATE_SHAPE = "candidate_shape";
    static final String K = "k";
    static final String TOP_SCORES = "top_scores";
    static final String TOP_INDICES = "top_indices";
    static final String PARENT_ROWS = "parent_rows";
    static final String FIRST_SLOT = "first_slot";
    static final String KEPT_LENGTH = "kept_length";

    private DecodingHelperGraphs() {}

    /**
     * The best continuations of each input over all its beams, as transformers scores them: log-softmax of the
     * last position's logits, banned tokens (no-repeat n-grams, EOS before the minimum length) at minus
     * infinity, plus each beam's running score; then the top k of {@code [batch, beams * vocab]}, best first.
     * Inputs: logits {@code [rows, 1, vocab]}, beam_scores {@code [rows, 1]}, banned_indices {@code [n, 2]}
     * (row, token), banned_values {@code [n]}, candidate_shape {@code [batch, beams * vocab]}, k {@code [1]}.
     */
    public static byte[] beamCandidates(int vocab) {
        Graph g = new Graph("beam_candidates");
        Dim rows = Dim.named("rows");
        Value logits = g.input(LOGITS, DType.FLOAT, rows, Dim.named("positions"), Dim.of(vocab));
        Value scores = g.input(BEAM_SCORES, DType.FLOAT, rows, Dim.of(1));
        Value bannedIndices = g.input(BANNED_INDICES, DType.INT64, Dim.named("banned"), Dim.of(2));
        Value bannedValues = g.input(BANNED_VALUES, DType.FLOAT, Dim.named("banned"));
        Value candidateShape = g.input(CANDIDATE_SHAPE, DType.INT64, Dim.of(2));
        Value k = g.input(K, DType.INT64, Dim.of(1));

        Value last = g.squeeze(g.slice(logits, 1, -1, Long.MAX_VALUE), 1);
        Value logProbs = g.logSoftmax(last, -1);
        Value processed = g.op("ScatterND", List.of(logProbs, bannedIndices, bannedValues), Map.of(), DType.FLOAT,
                logProbs.shape());
        Value accumulated = g.add(processed, scores);
        Value perInput = g.reshape(accumulated, candidateShape, Shape.of(Dim.named("batch"), Dim.named("candidates")));
        List<Value> top = g.op("TopK", List.of(perInput, k), Map.of("axis", -1L, "largest", 1L, "sorted", 1L),
                List.of(TOP_SCORES, TOP_INDICES), List.of(DType.FLOAT, DType.INT64),
                List.of(Shape.of(Dim.named("batch"), Dim.named("k")), Shape.of(Dim.named("batch"), Dim.named("k"))));
        g.output(top.get(0));
        g.output(top.get(1));
        return serialize(g);
    }

    /** Output {@code i} is input cache {@code i} with its rows gathered by parent_rows {@code [rows]}. */
    public static byte[] cacheReorder(int caches) {
        Graph g = new Graph("cache_reorder");
        Value parents = g.input(PARENT_ROWS, DType.INT64, Dim.named("rows"));
        for (int i = 0; i < caches; i++) {
            Value cache = g.input(cacheInput(i), DType.FLOAT, Dim.named("rows"), Dim.named("heads"),
                    Dim.named("length"), Dim.named("d_kv"));
            g.output(cacheOutput(i), g.gather(cache, parents, 0));
        }
        return serialize(g);
    }

    /**
     * Output {@code i} is input cache {@code i} with its rows gathered by parent_rows {@code [rows]} and its slots from
     * first_slot {@code [1]} on: how continuous batching lays its self-attention caches out anew when rows leave, join
     * or follow another beam, dropping the slots every remaining row has masked.
     */
    public static byte[] cacheRegather(int caches) {
        Graph g = new Graph("cache_regather");
        Value rows = g.input(PARENT_ROWS, DType.INT64, Dim.named("rows"));
        Value firstSlot = g.input(FIRST_SLOT, DType.INT64, Dim.of(1));
        Value end = g.constantLongs(Long.MAX_VALUE);
        Value axis = g.constantLongs(2);
        for (int i = 0; i < caches; i++) {
            Value cache = g.input(cacheInput(i), DType.FLOAT, Dim.named("old_rows"), Dim.named("heads"),
                    Dim.named("length"), Dim.named("d_kv"));
            Value gathered = g.gather(cache, rows, 0);
            g.output(cacheOutput(i), g.slice(gathered, firstSlot, end, axis, Shape.of(Dim.named("rows"), Dim.named("heads"),
                    Dim.named("kept_length"), Dim.named("d_kv"))));
        }
        return serialize(g);
    }

    /** Output {@code i} is input cache {@code i} cut to its first kept_length {@code [1]} positions (axis 2). */
    public static byte[] cacheTrim(int caches) {
        Graph g = new Graph("cache_trim");
        Value kept = g.input(KEPT_LENGTH, DType.INT64, Dim.of(1));
        Value zero = g.constantLongs(0);
        Value axis = g.constantLongs(2);
        for (int i = 0; i < caches; i++) {
            Value cache = g.input(cacheInput(i), DType.FLOAT, Dim.named("rows"), Dim.named("heads"),
                    Dim.named("length"), Dim.named("d_kv"));
            g.output(trimmedOutput(i), g.slice(cache, zero, kept, axis,
                    cache.shape().with(2, Dim.named("kept_length"))));
        }
        return serialize(g);
    }

    static String trimmedOutput(int i) {
        return "trimmed_" + i;
    }

    static String cacheInput(int i) {
        return "cache_" + i;
    }

    static String cacheOutput(int i) {
        return "reordered_" + i;
    }

    private static byte[] serialize(Graph g) {
        ModelProto model = OnnxModelWriter.toModel(g);
        return model.toByteArray();
    }
}

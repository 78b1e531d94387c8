package dev.summarizer.export;

import static dev.summarizer.export.OptimumLayout.BATCH;
import static dev.summarizer.export.OptimumLayout.CACHED_ENCODER_LENGTH;
import static dev.summarizer.export.OptimumLayout.ENCODER_ATTENTION_MASK;
import static dev.summarizer.export.OptimumLayout.ENCODER_HIDDEN_STATES;
import static dev.summarizer.export.OptimumLayout.ENCODER_LENGTH;
import static dev.summarizer.export.OptimumLayout.INPUT_IDS;
import static dev.summarizer.export.OptimumLayout.LOGITS;
import static dev.summarizer.export.OptimumLayout.PAST_DECODER_LENGTH;
import static dev.summarizer.export.OptimumLayout.PRESENT_DECODER_LENGTH;
import static dev.summarizer.export.OptimumLayout.pastName;
import static dev.summarizer.export.OptimumLayout.presentName;

import dev.summarizer.model.T5Config;
import dev.summarizer.onnx.DType;
import dev.summarizer.onnx.Dim;
import dev.summarizer.onnx.Graph;
import dev.summarizer.onnx.Value;
import dev.summarizer.t5.DropoutPolicy;
import dev.summarizer.t5.T5Layers;
import dev.summarizer.t5.T5Layers.KeyValue;
import dev.summarizer.t5.T5Layers.LayerCache;
import java.util.ArrayList;
import java.util.List;

/**
 * The two graphs continuous batching decodes with, built from {@link T5Layers} and kept in memory (the model folder
 * stays as exported). Optimum's decoders cannot serve rows that joined at different steps, since every row shares
 * one past length; here each row has its own:
 *
 * <ul>
 *   <li>{@link #crossKeyValues}: a text's encoder output to every decoder layer's cross-attention keys and values,
 *       once, when the text joins;
 *   <li>{@link #step}: one token per row over right-aligned self-attention caches, {@code decoder_attention_mask}
 *       {@code [rows, past + 1]} marking each row's own slots, and per-row cross caches and encoder masks (see
 *       {@link T5Layers#rowwiseDecoderStep}). Inputs and outputs keep Optimum's names where they mean the same.
 * </ul>
 */
public final class RowwiseDecoderGraphs {
    /** {@code [rows, past + 1]}, int64: 1 at the slots of the row's own history and at the new token's. */
    public static final String DECODER_ATTENTION_MASK = "decoder_attention_mask";

    private RowwiseDecoderGraphs() {}

    /** {@code encoder_hidden_states [batch, encoder, d_model]} to {@code present.{i}.encoder.{key|value}}. */
    public static Graph crossKeyValues(GraphWeights weights) {
        T5Config c = weights.config();
        Graph g = new Graph("cross_key_values");
        Value hidden = g.input(ENCODER_HIDDEN_STATES, DType.FLOAT, BATCH, ENCODER_LENGTH, Dim.of(c.dModel()));
        T5Layers t5 = layers(g, weights);
        try (var scope = g.scope("decoder")) {
            for (int i = 0; i < c.numDecoderLayers(); i++) {
                KeyValue kv = t5.crossKeyValue(hidden, i);
                g.output(presentName(i, true, false), kv.key(), cacheDims(c, ENCODER_LENGTH));
                g.output(presentName(i, true, true), kv.value(), cacheDims(c, ENCODER_LENGTH));
            }
        }
        return g;
    }

    /** One step of rows at different points of their decodings: logits and the grown self-attention caches. */
    public static Graph step(GraphWeights weights) {
        T5Config c = weights.config();
        Graph g = new Graph("rowwise_decoder_step");
        Value ids = g.input(INPUT_IDS, DType.INT64, BATCH, Dim.of(1));
        Value selfMask = g.input(DECODER_ATTENTION_MASK, DType.INT64, BATCH, PRESENT_DECODER_LENGTH);
        Value encoderMask = g.input(ENCODER_ATTENTION_MASK, DType.INT64, BATCH, CACHED_ENCODER_LENGTH);
        List<LayerCache> past = new ArrayList<>();
        for (int i = 0; i < c.numDecoderLayers(); i++) {
            KeyValue self = new KeyValue(g.input(pastName(i, false, false), DType.FLOAT, cacheDims(c, PAST_DECODER_LENGTH)),
                    g.input(pastName(i, false, true), DType.FLOAT, cacheDims(c, PAST_DECODER_LENGTH)));
            KeyValue cross = new KeyValue(g.input(pastName(i, true, false), DType.FLOAT, cacheDims(c, CACHED_ENCODER_LENGTH)),
                    g.input(pastName(i, true, true), DType.FLOAT, cacheDims(c, CACHED_ENCODER_LENGTH)));
            past.add(new LayerCache(self, cross));
        }
        T5Layers t5 = layers(g, weights);
        T5Layers.DecoderOutput out = t5.rowwiseDecoderStep(ids, selfMask, encoderMask, past);
        g.output(LOGITS, t5.lmLogits(out.hidden()), BATCH, Dim.of(1), Dim.of(c.vocabSize()));
        for (int i = 0; i < c.numDecoderLayers(); i++) {
            KeyValue self = out.present().get(i).self();
            g.output(presentName(i, false, false), self.key(), cacheDims(c, PRESENT_DECODER_LENGTH));
            g.output(presentName(i, false, true), self.value(), cacheDims(c, PRESENT_DECODER_LENGTH));
        }
        return g;
    }

    private static T5Layers layers(Graph g, GraphWeights weights) {
        return new T5Layers(g, weights.config(), weights.attachTo(g), DropoutPolicy.NONE, weights.layout().hasSeparateLmHead());
    }

    private static Dim[] cacheDims(T5Config c, Dim length) {
        return new Dim[] {BATCH, Dim.of(c.numHeads()), length, Dim.of(c.dKv())};
    }
}

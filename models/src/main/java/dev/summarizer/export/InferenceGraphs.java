package dev.summarizer.export;

import static dev.summarizer.export.OptimumLayout.ATTENTION_MASK;
import static dev.summarizer.export.OptimumLayout.BATCH;
import static dev.summarizer.export.OptimumLayout.CACHED_ENCODER_LENGTH;
import static dev.summarizer.export.OptimumLayout.DECODER_LENGTH;
import static dev.summarizer.export.OptimumLayout.ENCODER_ATTENTION_MASK;
import static dev.summarizer.export.OptimumLayout.ENCODER_HIDDEN_STATES;
import static dev.summarizer.export.OptimumLayout.ENCODER_LENGTH;
import static dev.summarizer.export.OptimumLayout.INPUT_IDS;
import static dev.summarizer.export.OptimumLayout.LAST_HIDDEN_STATE;
import static dev.summarizer.export.OptimumLayout.LOGITS;
import static dev.summarizer.export.OptimumLayout.PAST_DECODER_LENGTH;
import static dev.summarizer.export.OptimumLayout.PRESENT_DECODER_LENGTH;
import static dev.summarizer.export.OptimumLayout.USE_CACHE_BRANCH;
import static dev.summarizer.export.OptimumLayout.pastName;
import static dev.summarizer.export.OptimumLayout.presentName;

import dev.summarizer.model.T5Config;
import dev.summarizer.model.T5Weights;
import dev.summarizer.onnx.Constant;
import dev.summarizer.onnx.DType;
import dev.summarizer.onnx.Dim;
import dev.summarizer.onnx.Graph;
import dev.summarizer.onnx.Shape;
import dev.summarizer.onnx.Value;
import dev.summarizer.t5.DropoutPolicy;
import dev.summarizer.t5.ParameterSource;
import dev.summarizer.t5.T5Layers;
import dev.summarizer.t5.T5Layers.KeyValue;
import dev.summarizer.t5.T5Layers.LayerCache;
import java.util.ArrayList;
import java.util.List;

/**
 * The four inference graphs of the Optimum layout, built from {@link T5Layers} over a model's weights, embedded or fed
 * at every run ({@link GraphWeights}).
 */
public final class InferenceGraphs {
    private InferenceGraphs() {}

    /** {@code input_ids}, {@code attention_mask} to {@code last_hidden_state}. */
    public static Graph encoder(T5Weights weights) {
        return encoder(GraphWeights.embedded(weights));
    }

    public static Graph decoder(T5Weights weights) {
        return decoder(GraphWeights.embedded(weights));
    }

    public static Graph decoderWithPast(T5Weights weights) {
        return decoderWithPast(GraphWeights.embedded(weights));
    }

    public static Graph decoderMerged(T5Weights weights) {
        return decoderMerged(GraphWeights.embedded(weights));
    }

    /** {@code input_ids}, {@code attention_mask} to {@code last_hidden_state}. */
    public static Graph encoder(GraphWeights weights) {
        T5Config c = weights.config();
        Graph g = new Graph("encoder");
        Value ids = g.input(INPUT_IDS, DType.INT64, BATCH, ENCODER_LENGTH);
        Value mask = g.input(ATTENTION_MASK, DType.INT64, BATCH, ENCODER_LENGTH);
        Value hidden = layers(g, weights.attachTo(g), weights).encoder(ids, mask);
        g.output(LAST_HIDDEN_STATE, hidden, BATCH, ENCODER_LENGTH, Dim.of(c.dModel()));
        return g;
    }

    /** The first decoding step: no cache in, every layer's self- and cross-attention cache out. */
    public static Graph decoder(GraphWeights weights) {
        Graph g = new Graph("decoder");
        DecoderInputs in = DecoderInputs.declare(g, weights.config(), false);
        DecoderStep.of(g, weights.attachTo(g), weights, in, false).declareOutputs(g);
        return g;
    }

    /** Later steps: the cache in, logits and the grown self-attention cache out. */
    public static Graph decoderWithPast(GraphWeights weights) {
        Graph g = new Graph("decoder_with_past");
        DecoderInputs in = DecoderInputs.declare(g, weights.config(), true);
        DecoderStep.of(g, weights.attachTo(g), weights, in, true).declareOutputs(g);
        return g;
    }

    /**
     * Both decoders behind one If on {@code use_cache_branch}, sharing one copy of the weights. As in
     * Optimum's merge, the cache branch outputs empty cross-attention caches, which callers ignore after the
     * first step.
     */
    public static Graph decoderMerged(GraphWeights weights) {
        T5Config c = weights.config();
        Graph g = new Graph("merged");
        DecoderInputs in = DecoderInputs.declare(g, c, true);
        Value useCache = g.input(USE_CACHE_BRANCH, DType.BOOL, Dim.of(1));
        ParameterSource params = weights.attachTo(g);

        Graph withPast = g.branch("with_past");
        DecoderStep cached = DecoderStep.of(withPast, params, weights, in, true);
        withPast.output(cached.logits);
        Constant emptyCache = new Constant(DType.FLOAT, new long[] {0, c.numHeads(), 1, c.dKv()}, new float[0]);
        for (int i = 0; i < c.numDecoderLayers(); i++) {
            withPast.output(cached.present.get(i).self().key());
            withPast.output(cached.present.get(i).self().value());
            withPast.output(withPast.constantNode(emptyCache));
            withPast.output(withPast.constantNode(emptyCache));
        }

        Graph noPast = g.branch("no_past");
        DecoderStep first = DecoderStep.of(noPast, params, weights, in, false);
        noPast.output(first.logits);
        for (LayerCache layer : first.present) {
            for (Value v : List.of(layer.self().key(), layer.self().value(), layer.cross().key(), layer.cross().value())) {
                noPast.output(v);
            }
        }

        List<String> names = new ArrayList<>();
        List<Shape> shapes = new ArrayList<>();
        names.add(LOGITS);
        shapes.add(Shape.of(BATCH, DECODER_LENGTH, Dim.of(c.vocabSize())));
        for (int i = 0; i < c.numDecoderLayers(); i++) {
            for (boolean cross : new boolean[] {false, true}) {
                for (boolean value : new boolean[] {false, true}) {
                    names.add(presentName(i, cross, value));
                    shapes.add(cacheShape(c, cross ? CACHED_ENCODER_LENGTH : PRESENT_DECODER_LENGTH));
                }
            }
        }
        for (Value out : g.ifThenElse(useCache, withPast, noPast, names, shapes)) {
            g.output(out);
        }
        return g;
    }

    private static T5Layers layers(Graph g, ParameterSource params, GraphWeights weights) {
        return new T5Layers(g, weights.config(), params, DropoutPolicy.NONE, weights.layout().hasSeparateLmHead());
    }

    private static Shape cacheShape(T5Config c, Dim length) {
        return Shape.of(BATCH, Dim.of(c.numHeads()), length, Dim.of(c.dKv()));
    }

    /** The decoder graph inputs, in Optimum's order; {@code past} is null for the first-step decoder. */
    private record DecoderInputs(Value encoderMask, Value ids, Value encoderHidden, List<LayerCache> past) {
        static DecoderInputs declare(Graph g, T5Config c, boolean withPast) {
            Value mask = g.input(ENCODER_ATTENTION_MASK, DType.INT64, BATCH, ENCODER_LENGTH);
            Value ids = g.input(INPUT_IDS, DType.INT64, BATCH, DECODER_LENGTH);
            // Unused by the cache branch, but Optimum's T5 decoders take it in both forms.
            Value hidden = g.input(ENCODER_HIDDEN_STATES, DType.FLOAT, BATCH, ENCODER_LENGTH, Dim.of(c.dModel()));
            List<LayerCache> past = null;
            if (withPast) {
                past = new ArrayList<>();
                for (int i = 0; i < c.numDecoderLayers(); i++) {
                    KeyValue self = new KeyValue(cacheInput(g, c, pastName(i, false, false), PAST_DECODER_LENGTH),
                            cacheInput(g, c, pastName(i, false, true), PAST_DECODER_LENGTH));
                    KeyValue cross = new KeyValue(cacheInput(g, c, pastName(i, true, false), CACHED_ENCODER_LENGTH),
                            cacheInput(g, c, pastName(i, true, true), CACHED_ENCODER_LENGTH));
                    past.add(new LayerCache(self, cross));
                }
            }
            return new DecoderInputs(mask, ids, hidden, past);
        }

        private static Value cacheInput(Graph g, T5Config c, String name, Dim length) {
            Shape s = cacheShape(c, length);
            return g.input(name, DType.FLOAT, s.dims().toArray(Dim[]::new));
        }
    }

    /** One decoder application in graph {@code g}: logits and the cache it produces. */
    private record DecoderStep(Value logits, List<LayerCache> present, boolean cached, T5Config config) {
        static DecoderStep of(Graph g, ParameterSource params, GraphWeights weights, DecoderInputs in, boolean cached) {
            T5Layers t5 = layers(g, params, weights);
            T5Layers.DecoderOutput out = t5.decoder(in.ids(), in.encoderHidden(), in.encoderMask(), cached ? in.past() : null);
            return new DecoderStep(t5.lmLogits(out.hidden()), out.present(), cached, weights.config());
        }

        /** Outputs of a standalone decoder file: the cache branch leaves out the unchanged cross-attention cache. */
        void declareOutputs(Graph g) {
            g.output(LOGITS, logits, BATCH, DECODER_LENGTH, Dim.of(config.vocabSize()));
            for (int i = 0; i < present.size(); i++) {
                LayerCache layer = present.get(i);
                Dim selfLength = cached ? PRESENT_DECODER_LENGTH : DECODER_LENGTH;
                declareCache(g, presentName(i, false, false), layer.self().key(), selfLength);
                declareCache(g, presentName(i, false, true), layer.self().value(), selfLength);
                if (!cached) {
                    declareCache(g, presentName(i, true, false), layer.cross().key(), CACHED_ENCODER_LENGTH);
                    declareCache(g, presentName(i, true, true), layer.cross().value(), CACHED_ENCODER_LENGTH);
                }
            }
        }

        private void declareCache(Graph g, String name, Value v, Dim length) {
            g.output(name, v, cacheShape(config, length).dims().toArray(Dim[]::new));
        }
    }
}

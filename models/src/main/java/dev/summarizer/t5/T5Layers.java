package dev.summarizer.t5;

import dev.summarizer.model.T5Config;
import dev.summarizer.model.T5ParameterLayout;
import dev.summarizer.onnx.Constant;
import dev.summarizer.onnx.DType;
import dev.summarizer.onnx.Dim;
import dev.summarizer.onnx.Graph;
import dev.summarizer.onnx.Shape;
import dev.summarizer.onnx.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * The T5 architecture, written once as functions on the graph builder. Every graph (encoder, the three
 * decoders, training and eval) is built from these, so they agree with each other by construction.
 *
 * <p>Follows transformers' {@code modeling_t5.py}: pre-norm residual blocks with an RMS layer norm,
 * attention without the 1/sqrt(d_kv) scaling, a relative position bias computed by the first layer of each
 * stack and shared by the others, ReLU or gated-GELU feed-forward, and the decoder output rescaled by
 * d_model^-0.5 before a tied lm_head.
 */
public final class T5Layers {
    /** {@code torch.finfo(torch.float32).min}, what transformers adds to masked attention scores. */
    static final double MASK_VALUE = -3.4028234663852886e38;

    private static final String DECODER_POSITION_BIAS = "decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight";

    private final Graph g;
    private final T5Config config;
    private final ParameterSource params;
    private final DropoutPolicy dropout;
    private final String lmHeadName;

    public T5Layers(Graph g, T5Config config, ParameterSource params, DropoutPolicy dropout, boolean separateLmHead) {
        this.g = g;
        this.config = config;
        this.params = params;
        this.dropout = dropout;
        this.lmHeadName = separateLmHead ? T5ParameterLayout.LM_HEAD : T5ParameterLayout.SHARED;
    }

    /** Keys and values of one attention, {@code [batch, heads, length, d_kv]} each. */
    public record KeyValue(Value key, Value value) {}

    /** What one decoder layer caches: its self-attention and its cross-attention keys and values. */
    public record LayerCache(KeyValue self, KeyValue cross) {}

    /** Decoder hidden states before the final scaling and lm_head, and every layer's cache after this step. */
    public record DecoderOutput(Value hidden, List<LayerCache> present) {}

    // ---------------------------------------------------------------------------------------------
    // Stacks

    /** {@code input_ids [batch, length]} and {@code attention_mask} (int64) to {@code last_hidden_state}. */
    public Value encoder(Value inputIds, Value attentionMask) {
        try (var scope = g.scope("encoder")) {
            Value hidden = dropout.apply(g, embed(inputIds));
            Value positions = positions(g.scalar(DType.INT64, 0), g.size(inputIds, 1), inputIds.dim(1));
            Value bias = g.add(
                    positionBias(positions, positions, true, "encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight", hidden.type()),
                    paddingMaskBias(attentionMask, hidden.type()));
            for (int i = 0; i < config.numLayers(); i++) {
                try (var block = g.scope("block." + i)) {
                    String prefix = "encoder.block." + i + ".layer.";
                    Value normed = layerNorm(hidden, prefix + "0.layer_norm.weight");
                    KeyValue kv = projectKeyValue(normed, prefix + "0.SelfAttention.");
                    Value attended = attention(normed, kv, bias, prefix + "0.SelfAttention.");
                    hidden = g.add(hidden, dropout.apply(g, attended));
                    hidden = feedForwardLayer(hidden, prefix + "1.");
                }
            }
            return dropout.apply(g, layerNorm(hidden, "encoder.final_layer_norm.weight"));
        }
    }

    /**
     * The decoder over {@code inputIds [batch, length]}. Without {@code past}, self-attention sees the given
     * tokens causally and cross-attention projects {@code encoderHidden}; with it, the new tokens follow the
     * cached ones and cross-attention reuses the cached encoder keys and values.
     */
    public DecoderOutput decoder(Value inputIds, Value encoderHidden, Value encoderMask, List<LayerCache> past) {
        try (var scope = g.scope("decoder")) {
            Value hidden = dropout.apply(g, embed(inputIds));
            Value newLength = g.size(inputIds, 1);
            Value queryPositions;
            Value keyPositions;
            if (past == null) {
                queryPositions = positions(g.scalar(DType.INT64, 0), newLength, inputIds.dim(1));
                keyPositions = queryPositions;
            } else {
                Value pastLength = g.size(past.get(0).self().key(), 2);
                Value totalLength = g.add(pastLength, newLength);
                queryPositions = positions(pastLength, totalLength, inputIds.dim(1));
                keyPositions = positions(g.scalar(DType.INT64, 0), totalLength, Dim.named("total_decoder_sequence_length"));
            }
            Value selfBias = g.add(
                    positionBias(queryPositions, keyPositions, false, DECODER_POSITION_BIAS, hidden.type()),
                    causalMaskBias(queryPositions, keyPositions, hidden.type()));
            Dim total = keyPositions.dim(0);
            return decoderBlocks(hidden, selfBias, paddingMaskBias(encoderMask, hidden.type()), encoderHidden, past, total);
        }
    }

    /**
     * One decoding step for rows that are at different points of their summaries (continuous batching). Each row's
     * cached keys and values are right-aligned in {@code past}: its history fills the last slots, and
     * {@code selfMask [batch, past + 1]} is 1 at those slots and at the new token's, 0 at the padding before them.
     * Every row's query sits at the last slot, so key slot j lies j - past positions before it whatever the row's
     * history, and one position bias serves all rows; a row's padding slots are masked out on top of it.
     * Cross-attention reads {@code past}'s cross keys and values, masked by {@code encoderMask [batch, encoder]}.
     * Gives each row what {@link #decoder} gives it alone with its own cache.
     */
    public DecoderOutput rowwiseDecoderStep(Value inputIds, Value selfMask, Value encoderMask, List<LayerCache> past) {
        try (var scope = g.scope("decoder")) {
            Value hidden = dropout.apply(g, embed(inputIds));
            Value pastLength = g.size(past.get(0).self().key(), 2);
            Value totalLength = g.add(pastLength, g.scalar(DType.INT64, 1));
            Value queryPositions = positions(pastLength, totalLength, Dim.of(1));
            Value keyPositions = positions(g.scalar(DType.INT64, 0), totalLength, Dim.named("total_decoder_sequence_length"));
            Value selfBias = g.add(positionBias(queryPositions, keyPositions, false, DECODER_POSITION_BIAS, hidden.type()),
                    paddingMaskBias(selfMask, hidden.type()));
            Dim total = keyPositions.dim(0);
            return decoderBlocks(hidden, selfBias, paddingMaskBias(encoderMask, hidden.type()), null, past, total);
        }
    }

    /**
     * The decoder's layers over embedded tokens: self-attention over the cached keys and values followed by the new
     * ones ({@code total} long), cross-attention over {@code past}'s cross cache or, without a past, over
     * {@code encoderHidden} projected here.
     */
    private DecoderOutput decoderBlocks(Value hidden, Value selfBias, Value crossBias, Value encoderHidden,
            List<LayerCache> past, Dim total) {
        List<LayerCache> present = new ArrayList<>();
        for (int i = 0; i < config.numDecoderLayers(); i++) {
            try (var block = g.scope("block." + i)) {
                String prefix = "decoder.block." + i + ".layer.";
                Value normed = layerNorm(hidden, prefix + "0.layer_norm.weight");
                KeyValue self = projectKeyValue(normed, prefix + "0.SelfAttention.");
                if (past != null) {
                    KeyValue cached = past.get(i).self();
                    self = new KeyValue(
                            g.concat(2, total, cached.key(), self.key()), g.concat(2, total, cached.value(), self.value()));
                }
                hidden = g.add(hidden, dropout.apply(g, attention(normed, self, selfBias, prefix + "0.SelfAttention.")));

                normed = layerNorm(hidden, prefix + "1.layer_norm.weight");
                KeyValue cross = past != null ? past.get(i).cross() : crossKeyValue(encoderHidden, i);
                hidden = g.add(hidden, dropout.apply(g, attention(normed, cross, crossBias, prefix + "1.EncDecAttention.")));

                hidden = feedForwardLayer(hidden, prefix + "2.");
                present.add(new LayerCache(self, cross));
            }
        }
        return new DecoderOutput(dropout.apply(g, layerNorm(hidden, "decoder.final_layer_norm.weight")), present);
    }

    /** Decoder layer {@code layer}'s cross-attention keys and values of the encoder's output. */
    public KeyValue crossKeyValue(Value encoderHidden, int layer) {
        return projectKeyValue(encoderHidden, "decoder.block." + layer + ".layer.1.EncDecAttention.");
    }

    /** Vocabulary logits {@code [batch, length, vocab]} from final decoder states. */
    public Value lmLogits(Value decoderHidden) {
        try (var scope = g.scope("lm_head")) {
            Value hidden = decoderHidden;
            if (config.scaleDecoderOutputs()) {
                hidden = g.mul(hidden, g.scalarLike(hidden, Math.pow(config.dModel(), -0.5)));
            }
            return linear(hidden, lmHeadName);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Layers

    public Value embed(Value ids) {
        return g.gather(params.get(T5ParameterLayout.SHARED), ids, 0);
    }

    /**
     * T5's layer norm: scale by the root mean square, no mean subtraction, no bias; {@code x * rsqrt(...)} as
     * transformers computes it. (Written with a Div instead, ONNX Runtime fuses it into one kernel whose
     * results differ from transformers' by up to 1.5e-5 relative: not worth the 5% it saves a decoder step.)
     */
    public Value layerNorm(Value x, String weightName) {
        Value variance = g.reduceMean(g.pow(x, g.scalarLike(x, 2)), true, -1);
        Value inverseRms = g.reciprocal(g.sqrt(g.add(variance, g.scalarLike(x, config.layerNormEpsilon()))));
        return g.mul(params.get(weightName), g.mul(x, inverseRms));
    }

    /** {@code x @ W^T} for a Hugging Face linear weight {@code W [out, in]}. */
    public Value linear(Value x, String weightName) {
        return params.linear(g, x, weightName);
    }

    /** The residual feed-forward sub-layer: {@code x + dropout(FFN(layer_norm(x)))}. */
    private Value feedForwardLayer(Value hidden, String prefix) {
        Value normed = layerNorm(hidden, prefix + "layer_norm.weight");
        return g.add(hidden, dropout.apply(g, feedForward(normed, prefix + "DenseReluDense.")));
    }

    public Value feedForward(Value x, String prefix) {
        Value inner;
        if (config.gatedActivation()) {
            inner = g.mul(activation(linear(x, prefix + "wi_0.weight")), linear(x, prefix + "wi_1.weight"));
        } else {
            inner = activation(linear(x, prefix + "wi.weight"));
        }
        return linear(dropout.apply(g, inner), prefix + "wo.weight");
    }

    private Value activation(Value x) {
        return switch (config.activation()) {
            case RELU -> g.relu(x);
            case GELU_NEW -> {
                // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
                Value cube = g.pow(x, g.scalarLike(x, 3));
                Value inner = g.mul(g.scalarLike(x, Math.sqrt(2 / Math.PI)), g.add(x, g.mul(g.scalarLike(x, 0.044715), cube)));
                yield g.mul(g.mul(g.scalarLike(x, 0.5), x), g.add(g.scalarLike(x, 1), g.tanh(inner)));
            }
            case GELU -> g.mul(g.mul(g.scalarLike(x, 0.5), x),
                    g.add(g.scalarLike(x, 1), g.erf(g.mul(x, g.scalarLike(x, Math.sqrt(0.5))))));
            case SILU -> g.mul(x, g.sigmoid(x));
        };
    }

    /** Keys and values of {@code source} for the attention whose weights start with {@code prefix}. */
    public KeyValue projectKeyValue(Value source, String prefix) {
        return new KeyValue(splitHeads(linear(source, prefix + "k.weight")), splitHeads(linear(source, prefix + "v.weight")));
    }

    /** Unscaled multi-head attention of {@code hidden}'s queries over {@code kv}, plus the output projection. */
    private Value attention(Value hidden, KeyValue kv, Value bias, String prefix) {
        Value query = splitHeads(linear(hidden, prefix + "q.weight"));
        Value scores = g.add(g.matMul(query, g.transpose(kv.key(), 0, 1, 3, 2)), bias);
        Value weights = dropout.apply(g, g.softmax(scores, -1));
        return linear(mergeHeads(g.matMul(weights, kv.value())), prefix + "o.weight");
    }

    /** {@code [batch, length, heads * d_kv]} to {@code [batch, heads, length, d_kv]}. */
    private Value splitHeads(Value x) {
        return g.transpose(g.reshape(x, 0, 0, config.numHeads(), config.dKv()), 0, 2, 1, 3);
    }

    private Value mergeHeads(Value x) {
        return g.reshape(g.transpose(x, 0, 2, 1, 3), 0, 0, config.innerDim());
    }

    // ---------------------------------------------------------------------------------------------
    // Position bias and masks, all shaped to add onto scores [batch, heads, queries, keys]

    private Value positions(Value start, Value end, Dim length) {
        return g.range(start, end, g.scalar(DType.INT64, 1), length);
    }

    /** {@code [1, heads, queries, keys]}: the learned bias of each query-key distance's bucket. */
    private Value positionBias(Value queryPositions, Value keyPositions, boolean bidirectional, String weightName, DType type) {
        int maxDistance = config.relativeAttentionMaxDistance();
        Value relative = g.sub(g.unsqueeze(keyPositions, 0), g.unsqueeze(queryPositions, 1));
        Value clipped = g.min(g.max(relative, g.scalar(DType.INT64, -maxDistance)), g.scalar(DType.INT64, maxDistance));
        long[] table = RelativePositionBuckets.table(bidirectional, config.relativeAttentionNumBuckets(), maxDistance);
        Value buckets = g.gather(g.constant(new Constant(DType.INT64, new long[] {table.length}, table)),
                g.add(clipped, g.scalar(DType.INT64, maxDistance)), 0);
        Value bias = g.gather(params.get(weightName), buckets, 0); // [queries, keys, heads]
        Value result = g.unsqueeze(g.transpose(bias, 2, 0, 1), 0);
        return result.type() == type ? result : g.cast(result, type);
    }

    /** {@code [queries, keys]}: the mask value where a key lies in the query's future, else 0. */
    private Value causalMaskBias(Value queryPositions, Value keyPositions, DType type) {
        Value future = g.greater(g.unsqueeze(keyPositions, 0), g.unsqueeze(queryPositions, 1));
        return g.where(future, g.scalar(type, MASK_VALUE), g.scalar(type, 0));
    }

    /** {@code [batch, 1, 1, keys]}: the mask value at padding (mask 0), else 0. */
    private Value paddingMaskBias(Value mask, DType type) {
        Value keep = g.cast(mask, type);
        Value bias = g.mul(g.sub(g.scalar(type, 1), keep), g.scalar(type, MASK_VALUE));
        return g.unsqueeze(bias, 1, 2);
    }

    /** The shape {@code [batch, heads, length, d_kv]} of cached keys and values. */
    public Shape cacheShape(Dim batch, Dim length) {
        return Shape.of(batch, Dim.of(config.numHeads()), length, Dim.of(config.dKv()));
    }
}

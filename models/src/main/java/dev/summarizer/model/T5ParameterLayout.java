package dev.summarizer.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameters a {@link T5Config} implies, with Hugging Face names and shapes, in the order of
 * transformers' {@code state_dict()}. Linear weights are stored as {@code [out_features, in_features]}.
 */
public final class T5ParameterLayout {
    public static final String SHARED = "shared.weight";
    public static final String LM_HEAD = "lm_head.weight";

    private final Map<String, ParameterSpec> specs;

    /** The layout of a model created from {@code config}: a separate lm_head exactly when embeddings are untied. */
    public T5ParameterLayout(T5Config config) {
        this(config, !config.tieWordEmbeddings());
    }

    /**
     * @param separateLmHead whether {@code lm_head.weight} is its own tensor. Checkpoints decide this: transformers 5
     *     writes {@code tie_word_embeddings: true} even for models whose lm_head it left untied.
     */
    public T5ParameterLayout(T5Config config, boolean separateLmHead) {
        Map<String, ParameterSpec> map = new LinkedHashMap<>();
        long d = config.dModel();
        long inner = config.innerDim();
        long ff = config.dFf();
        add(map, SHARED, ParameterKind.EMBEDDING, config.vocabSize(), d);
        for (String stack : List.of("encoder", "decoder")) {
            boolean decoder = stack.equals("decoder");
            int layers = decoder ? config.numDecoderLayers() : config.numLayers();
            for (int i = 0; i < layers; i++) {
                String block = stack + ".block." + i + ".layer.";
                addAttention(map, block + "0.SelfAttention.", d, inner);
                if (i == 0) {
                    add(map, block + "0.SelfAttention.relative_attention_bias.weight",
                            ParameterKind.RELATIVE_ATTENTION_BIAS, config.relativeAttentionNumBuckets(), config.numHeads());
                }
                add(map, block + "0.layer_norm.weight", ParameterKind.LAYER_NORM, d);
                int ffLayer = 1;
                if (decoder) {
                    addAttention(map, block + "1.EncDecAttention.", d, inner);
                    add(map, block + "1.layer_norm.weight", ParameterKind.LAYER_NORM, d);
                    ffLayer = 2;
                }
                String dense = block + ffLayer + ".DenseReluDense.";
                if (config.gatedActivation()) {
                    add(map, dense + "wi_0.weight", ParameterKind.FEED_FORWARD_IN, ff, d);
                    add(map, dense + "wi_1.weight", ParameterKind.FEED_FORWARD_IN, ff, d);
                } else {
                    add(map, dense + "wi.weight", ParameterKind.FEED_FORWARD_IN, ff, d);
                }
                add(map, dense + "wo.weight", ParameterKind.FEED_FORWARD_OUT, d, ff);
                add(map, block + ffLayer + ".layer_norm.weight", ParameterKind.LAYER_NORM, d);
            }
            add(map, stack + ".final_layer_norm.weight", ParameterKind.LAYER_NORM, d);
        }
        if (separateLmHead) {
            add(map, LM_HEAD, ParameterKind.LM_HEAD, config.vocabSize(), d);
        }
        this.specs = Collections.unmodifiableMap(map);
    }

    private static void addAttention(Map<String, ParameterSpec> map, String prefix, long d, long inner) {
        add(map, prefix + "q.weight", ParameterKind.ATTENTION_QUERY, inner, d);
        add(map, prefix + "k.weight", ParameterKind.ATTENTION_KEY_VALUE, inner, d);
        add(map, prefix + "v.weight", ParameterKind.ATTENTION_KEY_VALUE, inner, d);
        add(map, prefix + "o.weight", ParameterKind.ATTENTION_OUTPUT, d, inner);
    }

    private static void add(Map<String, ParameterSpec> map, String name, ParameterKind kind, long... shape) {
        map.put(name, new ParameterSpec(name, shape, kind));
    }

    public List<ParameterSpec> specs() {
        return new ArrayList<>(specs.values());
    }

    public boolean hasSeparateLmHead() {
        return specs.containsKey(LM_HEAD);
    }

    public ParameterSpec spec(String name) {
        return specs.get(name);
    }

    public boolean contains(String name) {
        return specs.containsKey(name);
    }

    /** The name of the matrix that maps decoder states to vocabulary logits. */
    public String lmHeadName() {
        return specs.containsKey(LM_HEAD) ? LM_HEAD : SHARED;
    }

    public long parameterCount() {
        return specs.values().stream().mapToLong(ParameterSpec::elementCount).sum();
    }
}

package dev.summarizer.training.lora;

import dev.summarizer.lora.LoraAdapter;
import dev.summarizer.lora.LoraTargets;
import dev.summarizer.onnx.Graph;
import dev.summarizer.onnx.Value;
import dev.summarizer.t5.DropoutPolicy;
import dev.summarizer.t5.ParameterSource;
import java.util.Map;

/**
 * The weights of a LoRA-adapted T5 graph: every weight from {@code frozen}, and on each adapted linear layer PEFT's
 * extra term, {@code x W^T + (dropout(x) A^T B^T) * scaling}, with the dropout on the adapter's input only.
 */
final class AdaptedLinears implements ParameterSource {
    private final ParameterSource frozen;
    private final Map<String, Value> factors;
    private final double scaling;
    private final DropoutPolicy dropout;

    /** @param factors the graph's A and B of every adapted module, by {@link LoraAdapter}'s keys */
    AdaptedLinears(ParameterSource frozen, Map<String, Value> factors, double scaling, DropoutPolicy dropout) {
        this.frozen = frozen;
        this.factors = factors;
        this.scaling = scaling;
        this.dropout = dropout;
    }

    @Override
    public Value get(String name) {
        return frozen.get(name);
    }

    @Override
    public Value linearWeight(Graph g, String name) {
        return frozen.linearWeight(g, name);
    }

    @Override
    public Value linear(Graph g, Value x, String name) {
        Value base = frozen.linear(g, x, name);
        String module = name.substring(0, name.length() - LoraTargets.weight("").length());
        Value a = factors.get(LoraAdapter.keyA(module));
        if (a == null) {
            return base;
        }
        Value b = factors.get(LoraAdapter.keyB(module));
        try (var scope = g.scope("lora")) {
            Value low = g.matMul(g.matMul(dropout.apply(g, x), g.transpose(a, 1, 0)), g.transpose(b, 1, 0));
            return g.add(base, g.mul(low, g.scalarLike(low, scaling)));
        }
    }
}

package dev.summarizer.training.autodiff;

import dev.summarizer.onnx.Graph;
import dev.summarizer.onnx.Node;
import dev.summarizer.onnx.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode differentiation on the graph builder: appends to a forward graph the nodes that compute the
 * gradient of a scalar with respect to chosen values (the trainable parameters), in standard ONNX operators.
 *
 * <p>The forward nodes are visited once, last to first (the builder's node order is topological); each
 * node that lies between the parameters and the loss gets its {@link GradientRules rule} applied, and
 * gradients reaching a value along several paths are summed.
 */
public final class Gradients {
    private Gradients() {}

    /**
     * The gradient of {@code loss} with respect to each of {@code wrt}, by value name. {@code seed} is the
     * gradient of the loss itself (usually the constant 1, or a scale).
     */
    public static Map<String, Value> of(Graph g, Value loss, List<Value> wrt, Value seed) {
        List<Node> forward = g.nodes();
        Set<String> active = new HashSet<>();
        for (Value v : wrt) {
            active.add(v.name());
        }
        for (Node node : forward) {
            if (node.inputs().stream().anyMatch(v -> active.contains(v.name()))) {
                for (Value out : node.outputs()) {
                    if (GradientRules.isDifferentiable(out.type())) {
                        active.add(out.name());
                    }
                }
            }
        }

        GradientBuilder builder = new GradientBuilder(g);
        Map<String, Value> grads = new HashMap<>();
        grads.put(loss.name(), seed);
        for (int i = forward.size() - 1; i >= 0; i--) {
            Node node = forward.get(i);
            List<Value> outputGrads = new ArrayList<>();
            boolean any = false;
            for (Value out : node.outputs()) {
                Value d = grads.get(out.name());
                outputGrads.add(d);
                any |= d != null;
            }
            if (!any) {
                continue;
            }
            boolean[] needed = new boolean[node.inputs().size()];
            boolean anyNeeded = false;
            for (int j = 0; j < needed.length; j++) {
                Value in = node.input(j);
                needed[j] = active.contains(in.name()) && GradientRules.isDifferentiable(in.type());
                anyNeeded |= needed[j];
            }
            if (!anyNeeded) {
                continue;
            }
            GradientRule rule = GradientRules.RULES.get(node.opType());
            if (rule == null) {
                throw new UnsupportedOperationException("no gradient rule for " + node.opType() + " (node " + node.name() + ")");
            }
            Value[] inputGrads;
            try (var scope = g.scope("grad")) {
                inputGrads = rule.apply(builder, node, outputGrads, needed);
            }
            for (int j = 0; j < needed.length; j++) {
                if (needed[j] && j < inputGrads.length && inputGrads[j] != null) {
                    String name = node.input(j).name();
                    Value previous = grads.get(name);
                    grads.put(name, previous == null ? inputGrads[j] : g.add(previous, inputGrads[j]));
                }
            }
        }
        Map<String, Value> result = new LinkedHashMap<>();
        for (Value v : wrt) {
            Value d = grads.get(v.name());
            result.put(v.name(), d != null ? d : builder.zerosLike(v));
        }
        return result;
    }
}

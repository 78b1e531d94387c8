package dev.summarizer.export.quantize;

import dev.summarizer.onnx.Constant;
import dev.summarizer.onnx.DType;
import dev.summarizer.onnx.Graph;
import dev.summarizer.onnx.Node;
import dev.summarizer.onnx.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Weight-only quantization of a built inference graph: every linear layer, {@code MatMul(x, Transpose(W))} over
 * a float initializer {@code W [out, in]} (how {@code T5Layers.linear} writes q, k, v, o, wi, wo and the
 * lm_head), becomes {@code com.microsoft.MatMulNBits(x, W_Q<bits>, W_scales)}. Attention's matmuls (over
 * activations), the embedding Gather and the layer norms stay float32.
 *
 * <p>A float weight that nothing reads afterwards is dropped; one still read elsewhere stays. That is how the
 * tied lm_head works out: its MatMul reads a quantized copy of {@code shared.weight} while the embedding Gather
 * keeps the float32 table. If branches (the merged decoder) are rewritten too, and share one packed copy of
 * each weight, as they share the float one.
 */
public final class WeightQuantization {
    public static final String DOMAIN = "com.microsoft";
    public static final String OP_TYPE = "MatMulNBits";

    private WeightQuantization() {}

    /**
     * What a pass did: the float weights it quantized, and those of them it kept because another node (the
     * embedding Gather of a tied lm_head) still reads them.
     */
    public record Result(List<String> quantized, List<String> keptAsFloat) {}

    /** Rewrites {@code graph} (a root graph, with its branches) in place. */
    public static Result apply(Graph graph, QuantizationSpec spec) {
        if (!graph.isRoot()) {
            throw new IllegalArgumentException("quantize the root graph, not the branch " + graph.name());
        }
        List<Graph> graphs = withBranches(graph, new ArrayList<>());
        Map<String, Integer> readers = readers(graphs);
        Map<String, List<Value>> packed = new LinkedHashMap<>();
        for (Graph g : graphs) {
            rewrite(g, graph, spec, readers, packed);
        }
        Map<String, Integer> remainingReaders = readers(graphs);
        List<String> kept = new ArrayList<>();
        for (String weight : packed.keySet()) {
            if (remainingReaders.containsKey(weight)) {
                kept.add(weight);
            } else {
                graph.removeInitializer(weight);
            }
        }
        return new Result(List.copyOf(packed.keySet()), List.copyOf(kept));
    }

    private static void rewrite(Graph g, Graph root, QuantizationSpec spec, Map<String, Integer> readers,
            Map<String, List<Value>> packed) {
        Map<String, Node> producers = new HashMap<>();
        for (Node node : g.nodes()) {
            node.outputs().forEach(out -> producers.put(out.name(), node));
        }
        Set<Node> droppedTransposes = new HashSet<>();
        List<Node> rewritten = new ArrayList<>();
        for (Node node : g.nodes()) {
            Node transpose = transposedWeight(node, producers, root, readers);
            if (transpose == null) {
                rewritten.add(node);
                continue;
            }
            String weight = transpose.input(0).name();
            Constant w = root.initializers().get(weight);
            int n = Math.toIntExact(w.shape()[0]);
            int k = Math.toIntExact(w.shape()[1]);
            List<Value> quantized = packed.computeIfAbsent(weight, name -> {
                MatMulNBitsWeights q = MatMulNBitsWeights.quantize((float[]) w.data(), n, k, spec);
                return List.of(root.initializer(name + "_Q" + spec.bits(), q.packedConstant()),
                        root.initializer(name + "_scales", q.scalesConstant()));
            });
            Map<String, Object> attributes = new LinkedHashMap<>();
            attributes.put("K", (long) k);
            attributes.put("N", (long) n);
            attributes.put("bits", (long) spec.bits());
            attributes.put("block_size", (long) spec.blockSize());
            attributes.put("accuracy_level", (long) spec.accuracyLevel());
            rewritten.add(new Node(node.name() + "_Q" + spec.bits(), OP_TYPE,
                    List.of(node.input(0), quantized.get(0), quantized.get(1)), node.outputs(), attributes, DOMAIN));
            droppedTransposes.add(transpose);
        }
        rewritten.removeIf(droppedTransposes::contains);
        g.replaceNodes(rewritten);
    }

    /**
     * The {@code Transpose(W, perm [1, 0])} that {@code node} multiplies by when {@code node} is a linear layer
     * over a float initializer {@code W} and is the transpose's only reader; otherwise null.
     */
    private static Node transposedWeight(Node node, Map<String, Node> producers, Graph root, Map<String, Integer> readers) {
        if (!node.opType().equals("MatMul") || !node.domain().isEmpty()) {
            return null;
        }
        Value transposed = node.input(1);
        Node t = producers.get(transposed.name());
        if (t == null || !t.opType().equals("Transpose") || !t.domain().isEmpty()
                || !Arrays.equals(t.longsAttribute("perm"), new long[] {1, 0}) || readers.get(transposed.name()) != 1) {
            return null;
        }
        Constant w = root.initializers().get(t.input(0).name());
        if (w == null || w.type() != DType.FLOAT || w.shape().length != 2) {
            return null;
        }
        Value x = node.input(0);
        if (x.rank() < 2 || !x.dim(-1).isFixed() || x.dim(-1).size() != w.shape()[1]) {
            return null;
        }
        return t;
    }

    private static List<Graph> withBranches(Graph g, List<Graph> into) {
        into.add(g);
        for (Node node : g.nodes()) {
            for (Object attribute : node.attributes().values()) {
                if (attribute instanceof Graph branch) {
                    withBranches(branch, into);
                }
            }
        }
        return into;
    }

    /** How many node inputs and graph outputs read each value, over all the graphs. */
    private static Map<String, Integer> readers(List<Graph> graphs) {
        Map<String, Integer> readers = new HashMap<>();
        for (Graph g : graphs) {
            for (Node node : g.nodes()) {
                node.inputs().forEach(in -> readers.merge(in.name(), 1, Integer::sum));
            }
            g.outputs().forEach(out -> readers.merge(out.name(), 1, Integer::sum));
        }
        return readers;
    }
}

package dev.summarizer.export.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.summarizer.model.FloatTensor;
import dev.summarizer.onnx.Constant;
import dev.summarizer.onnx.DType;
import dev.summarizer.onnx.Dim;
import dev.summarizer.onnx.Graph;
import dev.summarizer.onnx.Node;
import dev.summarizer.onnx.Shape;
import dev.summarizer.onnx.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The rewrite on small graphs written the way T5Layers writes linear layers, embeddings and attention. */
class WeightQuantizationTest {
    private static final Dim B = Dim.named("batch");
    private static final Dim T = Dim.named("length");

    private static FloatTensor random(long seed, int rows, int columns) {
        return new FloatTensor(new long[] {rows, columns},
                MatMulNBitsWeightsTest.gaussian(new SplittableRandom(seed), rows * columns, 1));
    }

    private static Value linear(Graph g, Value x, Value w) {
        return g.matMul(x, g.transpose(w, 1, 0));
    }

    private static List<String> opTypes(Graph g) {
        return g.nodes().stream().map(Node::opType).toList();
    }

    @Test
    void linearLayersAndTheTiedLmHeadBecomeMatMulNBitsWhileAttentionAndTheGatherStayFloat() {
        Graph g = new Graph("g");
        Value ids = g.input("ids", DType.INT64, B, T);
        Value shared = g.initializer("shared.weight", random(1, 10, 40));
        Value q = g.initializer("q.weight", random(2, 40, 40));
        Value hidden = g.gather(shared, ids, 0);
        Value query = linear(g, hidden, q);
        Value scores = g.matMul(query, g.transpose(hidden, 0, 2, 1)); // over activations: stays
        Value mixed = g.matMul(g.softmax(scores, -1), hidden);
        Value logits = linear(g, g.mul(mixed, g.scalarLike(mixed, 0.5)), shared);
        g.output("logits", logits, B, T, Dim.of(10));

        WeightQuantization.Result result = WeightQuantization.apply(g, new QuantizationSpec(4, 32, 4)); // blocks of 32: K = 40 makes two

        assertEquals(List.of("q.weight", "shared.weight"), result.quantized());
        assertEquals(List.of("shared.weight"), result.keptAsFloat(), "the Gather still reads the float embedding");
        assertEquals(2, opTypes(g).stream().filter("MatMulNBits"::equals).count());
        assertEquals(2, opTypes(g).stream().filter("MatMul"::equals).count(), "the two attention matmuls");
        assertEquals(1, opTypes(g).stream().filter("Transpose"::equals).count(), "only the activation's transpose");
        assertTrue(g.initializers().containsKey("shared.weight"));
        assertFalse(g.initializers().containsKey("q.weight"), "nothing reads the float q any more");
        Constant packed = g.initializers().get("shared.weight_Q4");
        assertEquals(DType.UINT8, packed.type());
        assertEquals(List.of(10L, 2L, 16L), java.util.Arrays.stream(packed.shape()).boxed().toList(), "[N, k_blocks, blob]");
        assertEquals(20, g.initializers().get("shared.weight_scales").shape()[0]);

        Node lmHead = g.nodes().stream().filter(n -> n.opType().equals("MatMulNBits")).toList().get(1);
        assertEquals("com.microsoft", lmHead.domain());
        assertEquals("shared.weight_Q4", lmHead.input(1).name());
        assertEquals("logits", lmHead.output().name(), "the rewritten node keeps its output");
        assertEquals(40L, lmHead.attributes().get("K"));
        assertEquals(10L, lmHead.attributes().get("N"));
        assertEquals(4L, lmHead.attributes().get("bits"));
        assertEquals(32L, lmHead.attributes().get("block_size"));
        assertEquals(4L, lmHead.attributes().get("accuracy_level"));
    }

    @Test
    void branchesShareOnePackedCopyOfAWeight() {
        Graph g = new Graph("merged");
        Value x = g.input("x", DType.FLOAT, B, T, Dim.of(32));
        Value flag = g.input("flag", DType.BOOL, Dim.of(1));
        Value w = g.initializer("wo.weight", random(3, 16, 32));
        List<Graph> branches = new ArrayList<>();
        for (String name : List.of("then", "else")) {
            Graph branch = g.branch(name);
            branch.output(linear(branch, x, w));
            branches.add(branch);
        }
        for (Value out : g.ifThenElse(flag, branches.get(0), branches.get(1), List.of("y"),
                List.of(Shape.of(B, T, Dim.of(16))))) {
            g.output(out);
        }

        WeightQuantization.Result result = WeightQuantization.apply(g, QuantizationSpec.Q8);

        assertEquals(List.of("wo.weight"), result.quantized());
        assertEquals(List.of(), result.keptAsFloat());
        assertEquals(List.of("wo.weight_Q8", "wo.weight_scales"), List.copyOf(g.initializers().keySet()));
        for (Graph branch : branches) {
            assertEquals(List.of("MatMulNBits"), opTypes(branch));
            assertEquals("wo.weight_Q8", branch.nodes().get(0).input(1).name());
        }
    }
}

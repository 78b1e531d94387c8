package dev.summarizer.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The static shapes the builder infers, which reverse-mode differentiation relies on for broadcasting. */
class GraphTest {
    private static final Dim B = Dim.named("batch");
    private static final Dim T = Dim.named("length");

    @Test
    void broadcastingFollowsNumpy() {
        Graph g = new Graph("g");
        Value scores = g.input("scores", DType.FLOAT, B, Dim.of(4), T, T);
        Value bias = g.input("bias", DType.FLOAT, Dim.of(1), Dim.of(4), T, T);
        Value mask = g.input("mask", DType.FLOAT, B, Dim.of(1), Dim.of(1), T);
        assertEquals(Shape.of(B, Dim.of(4), T, T), g.add(g.add(scores, bias), mask).shape());
        assertEquals(Shape.of(B, Dim.of(4), T, T), g.mul(g.scalar(DType.FLOAT, 2), scores).shape());
        assertThrows(IllegalArgumentException.class,
                () -> Shape.broadcast(Shape.fixed(2, 3), Shape.fixed(4, 3)));
    }

    @Test
    void reshapeCopiesZerosAndSolvesMinusOne() {
        Graph g = new Graph("g");
        Value x = g.input("x", DType.FLOAT, B, T, Dim.of(4), Dim.of(8));
        assertEquals(Shape.of(B, T, Dim.of(32)), g.reshape(x, 0, 0, -1).shape());
        assertEquals(Shape.of(B, T, Dim.of(2), Dim.of(16)), g.reshape(x, 0, 0, 2, 16).shape());
        assertEquals(Shape.of(B, Dim.of(4), T, Dim.of(8)), g.transpose(x, 0, 2, 1, 3).shape());
    }

    @Test
    void matMulBroadcastsBatchAxes() {
        Graph g = new Graph("g");
        Value a = g.input("a", DType.FLOAT, B, T, Dim.of(16));
        Value w = g.input("w", DType.FLOAT, Dim.of(16), Dim.of(32));
        assertEquals(Shape.of(B, T, Dim.of(32)), g.matMul(a, w).shape());
    }

    @Test
    void reductionsGatherAndUnsqueeze() {
        Graph g = new Graph("g");
        Value x = g.input("x", DType.FLOAT, B, T, Dim.of(16));
        assertEquals(Shape.of(B, T, Dim.of(1)), g.reduceMean(x, true, -1).shape());
        assertEquals(Shape.of(B, T), g.reduceSum(x, false, 2).shape());
        Value table = g.input("table", DType.FLOAT, Dim.of(100), Dim.of(16));
        Value ids = g.input("ids", DType.INT64, B, T);
        assertEquals(Shape.of(B, T, Dim.of(16)), g.gather(table, ids, 0).shape());
        assertEquals(Shape.of(B, Dim.of(1), Dim.of(1), T), g.unsqueeze(ids, 1, 2).shape());
        assertEquals(Shape.of(B, T, Dim.of(5)), g.slice(x, -1, 3, 8).shape());
    }

    @Test
    void identicalConstantsAreStoredOnce() {
        Graph g = new Graph("g");
        Value a = g.constantLongs(1, 2, 3);
        Value b = g.constantLongs(1, 2, 3);
        Value c = g.constantLongs(1, 2, 4);
        assertSame(a, b);
        assertEquals(2, g.initializers().size());
        assertEquals(List.of(a.name(), c.name()), List.copyOf(g.initializers().keySet()));
    }

    @Test
    void branchesShareTheRootsInitializersAndNames() {
        Graph g = new Graph("g");
        Graph branch = g.branch("then");
        Value inBranch = branch.scalar(DType.FLOAT, 1);
        assertSame(inBranch, g.scalar(DType.FLOAT, 1));
        Value x = g.input("x", DType.FLOAT, B);
        Value y = branch.add(x, inBranch);
        Value z = g.add(x, inBranch);
        assertEquals(1, branch.nodes().size());
        assertEquals(false, y.name().equals(z.name()));
    }
}

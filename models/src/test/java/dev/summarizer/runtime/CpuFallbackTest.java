package dev.summarizer.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.summarizer.onnx.DType;
import dev.summarizer.onnx.Dim;
import dev.summarizer.onnx.Graph;
import dev.summarizer.onnx.Value;
import org.junit.jupiter.api.Test;

/** Which graphs may refuse CPU fallback on CUDA: those without the shape arithmetic ONNX Runtime keeps on the CPU. */
class CpuFallbackTest {
    @Test
    void elementwiseFloatArithmeticOnFixedShapesNeedsNoCpu() {
        Graph g = new Graph("adam");
        Value p = g.input("p", DType.FLOAT, Dim.of(3));
        Value step = g.input("step", DType.INT64);
        Value rate = g.cast(step, DType.DOUBLE);
        g.output("p.updated", g.where(g.greater(p, g.scalar(DType.FLOAT, 0)), g.mul(p, g.cast(rate, DType.FLOAT)), p));
        assertEquals(CpuFallback.DISABLED, CpuFallback.forGraph(g));
    }

    @Test
    void aShapeComputedAtRunTimeKeepsTheFallback() {
        Graph g = new Graph("reshape");
        Value x = g.input("x", DType.FLOAT, Dim.named("n"), Dim.of(4));
        g.output("y", g.reshape(x, g.shapeOf(x), x.shape()));
        assertEquals(CpuFallback.ALLOWED, CpuFallback.forGraph(g));
    }

    @Test
    void rangeReadsItsBoundsOnTheHost() {
        Graph g = new Graph("range");
        Value n = g.input("n", DType.FLOAT);
        g.output("r", g.range(g.scalar(DType.FLOAT, 0), n, g.scalar(DType.FLOAT, 1), Dim.named("len")));
        assertEquals(CpuFallback.ALLOWED, CpuFallback.forGraph(g));
    }
}

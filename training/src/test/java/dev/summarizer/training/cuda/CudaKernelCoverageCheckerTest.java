package dev.summarizer.training.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.summarizer.training.cuda.CudaKernelCoverage.Finding;
import dev.summarizer.training.cuda.CudaKernelCoverage.Report;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checker on one-node models whose answer is known from the table: it must report the gaps and only those. */
class CudaKernelCoverageCheckerTest {
    private static final int FLOAT = 1;
    private static final int INT64 = 7;
    private static final int BOOL = 9;
    private static final int DOUBLE = 11;
    private static final CudaKernelTable TABLE = CudaKernelTable.load();

    @Test
    void theTableIsTheCudaSectionOfOneOperatorKernelsFile() {
        assertTrue(TABLE.header().stream().anyMatch(h -> h.contains("001d12d2623fd411ce0f83d05abb5e82304a3389")));
        assertEquals(List.of(), TABLE.kernels("SoftmaxCrossEntropyLoss", "ai.onnx"), "training-only op");
        assertTrue(TABLE.kernels("Erf", "ai.onnx").stream()
                .anyMatch(k -> k.since() == 13 && k.openEnded() && k.constraints().get("T").contains("tensor(double)")));
        assertTrue(TABLE.size() > 400, "kernels: " + TABLE.size());
    }

    @Test
    void erfHasCudaKernelsForFloatAndDouble() {
        for (int type : new int[] {FLOAT, DOUBLE}) {
            Report r = check(17, node("Erf", List.of("x"), List.of("y")), List.of(value("x", type)), List.of(value("y", type)));
            assertEquals(List.of(), r.uncovered(), "Erf on type " + type);
            assertEquals(1, r.nodes());
        }
    }

    @Test
    void anOpWithoutCudaKernelIsReported() {
        Report r = check(17, node("SoftmaxCrossEntropyLoss", List.of("scores", "labels"), List.of("loss")),
                List.of(value("scores", FLOAT, 4, 10), value("labels", INT64, 4)), List.of(value("loss", FLOAT)));
        Finding f = single(r);
        assertEquals("SoftmaxCrossEntropyLoss(ai.onnx v13; T=tensor(float), Tind=tensor(int64))", f.signature());
        assertEquals("no CUDA kernel for this op", f.reason());
    }

    @Test
    void aTypeTheKernelLacksIsReported() {
        // Where-16's CUDA kernel takes no bool branches; Pad-13's none of int64.
        Report where = check(17, node("Where", List.of("c", "a", "b"), List.of("y")),
                List.of(value("c", BOOL, 3), value("a", BOOL, 3), value("b", BOOL, 3)), List.of(value("y", BOOL, 3)));
        assertEquals("Where(ai.onnx v16; B=tensor(bool), T=tensor(bool))", single(where).signature());
        assertTrue(single(where).reason().contains("T=tensor(bool) not in"), single(where).reason());

        Report pad = check(17, node("Pad", List.of("x", "pads"), List.of("y")),
                List.of(value("x", INT64, 3), value("pads", INT64, 2)), List.of(value("y", INT64, 5)));
        assertEquals("Pad(ai.onnx v13; T=tensor(int64))", single(pad).signature());

        Report padFloat = check(17, node("Pad", List.of("x", "pads"), List.of("y")),
                List.of(value("x", FLOAT, 3), value("pads", INT64, 2)), List.of(value("y", FLOAT, 5)));
        assertEquals(List.of(), padFloat.uncovered());
    }

    @Test
    void aVersionTheKernelsDoNotSpanIsReported() {
        // Upsample-10 (deprecated) has a schema but the CUDA kernels stop at version 9.
        Report r = check(10, node("Upsample", List.of("x", "scales"), List.of("y")),
                List.of(value("x", FLOAT, 1, 1, 2, 2), value("scales", FLOAT, 4)), List.of(value("y", FLOAT)));
        Finding f = single(r);
        assertEquals(10, f.sinceVersion());
        assertTrue(f.reason().startsWith("no CUDA kernel for version 10"), f.reason());
    }

    @Test
    void nodesInsideIfBranchesAreChecked() {
        GraphProto thenBranch = GraphProto.newBuilder().setName("then")
                .addNode(node("Where", List.of("c", "a", "b"), List.of("t")))
                .addOutput(value("t", BOOL, 3)).build();
        GraphProto elseBranch = GraphProto.newBuilder().setName("else")
                .addNode(node("Identity", List.of("a"), List.of("e")))
                .addOutput(value("e", BOOL, 3)).build();
        NodeProto ifNode = node("If", List.of("cond"), List.of("y")).toBuilder()
                .addAttribute(AttributeProto.newBuilder().setName("then_branch").setType(AttributeProto.AttributeType.GRAPH).setG(thenBranch))
                .addAttribute(AttributeProto.newBuilder().setName("else_branch").setType(AttributeProto.AttributeType.GRAPH).setG(elseBranch))
                .build();
        Report r = check(17, ifNode, List.of(value("cond", BOOL, 1), value("c", BOOL, 3), value("a", BOOL, 3), value("b", BOOL, 3)),
                List.of(value("y", BOOL, 3)));
        assertEquals(3, r.nodes(), "If and one node per branch");
        Finding f = single(r);
        assertEquals("Where", f.op());
        assertEquals("g/If_y.then_branch", f.graph());
    }

    @Test
    void integerShapeArithmeticWithoutKernelIsHostSideButTheSameOpOnDataIsNot() {
        // ReduceProd-13 has no int64 CUDA kernel. On Shape's output ORT runs it on the CPU by design; on a tensor
        // that is not shape data it is a real gap.
        GraphProto g = GraphProto.newBuilder().setName("g")
                .addNode(node("Shape", List.of("x"), List.of("s")))
                .addNode(node("ReduceProd", List.of("s"), List.of("n")))
                .addNode(node("ReduceProd", List.of("ids"), List.of("m")))
                .addInput(value("x", FLOAT, 2, 3)).addInput(value("ids", INT64, 2, 3))
                .addOutput(value("n", INT64, 1)).addOutput(value("m", INT64, 1)).build();
        Report r = CudaKernelCoverage.check(model(17, g, null), TABLE);
        assertEquals(List.of("ReduceProd(ai.onnx v13; T=tensor(int64))"), r.uncovered().stream().map(Finding::signature).toList());
        assertEquals("ReduceProd_m", r.uncovered().get(0).node());
        assertEquals(List.of("ReduceProd_n"), r.hostSide().stream().map(Finding::node).toList());
    }

    @Test
    void comMicrosoftOpsAreCheckedByTheirHandWrittenSchema() {
        for (int type : new int[] {FLOAT, DOUBLE}) {
            NodeProto n = node("MatMulNBits", List.of("a", "b", "scales"), List.of("y")).toBuilder().setDomain("com.microsoft").build();
            GraphProto g = GraphProto.newBuilder().setName("g").addNode(n)
                    .addInput(value("a", type, 2, 16)).addInput(value("b", 2, 8, 1, 8)).addInput(value("scales", type, 8))
                    .addOutput(value("y", type, 2, 8)).build();
            Report r = CudaKernelCoverage.check(model(17, g, "com.microsoft"), TABLE);
            if (type == FLOAT) {
                assertEquals(List.of(), r.uncovered());
            } else {
                assertEquals("MatMulNBits(com.microsoft v1; T1=tensor(double), T2=tensor(uint8))", single(r).signature());
            }
        }
    }

    @Test
    void constantNodesAreNotCheckedForKernels() {
        // ORT loads every Constant node as an initializer; the table has no Constant kernel, rightly.
        NodeProto constant = node("Constant", List.of(), List.of("c")).toBuilder()
                .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                        .setT(TensorProto.newBuilder().setDataType(FLOAT).addDims(2).addFloatData(1).addFloatData(2)))
                .build();
        GraphProto g = GraphProto.newBuilder().setName("g").addNode(constant)
                .addNode(node("Identity", List.of("c"), List.of("y"))).addOutput(value("y", FLOAT, 2)).build();
        Report r = CudaKernelCoverage.check(model(17, g, null), TABLE);
        assertEquals(List.of(), r.uncovered());
        assertEquals(1, r.constants());
        assertEquals(List.of(), TABLE.kernels("Constant", "ai.onnx"));
    }

    @Test
    void versionRuleIsOnnxRuntimes() {
        var open13 = new CudaKernelTable.Kernel("Op", "ai.onnx", 13, Integer.MAX_VALUE, Map.of());
        var closed6to12 = new CudaKernelTable.Kernel("Op", "ai.onnx", 6, 12, Map.of());
        assertTrue(CudaKernelCoverage.versionMatches(open13, 13));
        assertTrue(!CudaKernelCoverage.versionMatches(open13, 14), "an open kernel does not cover a newer schema");
        assertTrue(CudaKernelCoverage.versionMatches(closed6to12, 11));
        assertTrue(!CudaKernelCoverage.versionMatches(closed6to12, 13));
    }

    private static Finding single(Report r) {
        assertEquals(1, r.uncovered().size(), r.uncovered().toString());
        return r.uncovered().get(0);
    }

    private static Report check(int opset, NodeProto n, List<ValueInfoProto> inputs, List<ValueInfoProto> outputs) {
        GraphProto g = GraphProto.newBuilder().setName("g").addNode(n).addAllInput(inputs).addAllOutput(outputs).build();
        return CudaKernelCoverage.check(model(opset, g, null), TABLE);
    }

    /** A node named after its op and first output. */
    private static NodeProto node(String op, List<String> inputs, List<String> outputs) {
        return NodeProto.newBuilder().setName(op + "_" + outputs.get(0)).setOpType(op).addAllInput(inputs).addAllOutput(outputs).build();
    }

    private static ModelProto model(int opset, GraphProto g, String extraDomain) {
        ModelProto.Builder m = ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset));
        if (extraDomain != null) {
            m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(extraDomain).setVersion(1));
        }
        return m.build();
    }

    private static ValueInfoProto value(String name, int elemType, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape)))
                .build();
    }
}

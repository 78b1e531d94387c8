package dev.summarizer.training.cuda;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.summarizer.training.cuda.CudaKernelTable.Kernel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.bytedeco.onnx.OpSchema;
import org.bytedeco.onnx.OpSchemaRegistry;
import org.bytedeco.onnx.ShapeInferenceOptions;
import org.bytedeco.onnx.global.onnx;

/**
 * Reports every node of an ONNX model (If branches included) for which ONNX Runtime's CUDAExecutionProvider
 * registers no kernel, so that a session on CUDA would run it on the CPU provider.
 *
 * <p><b>Matching</b> follows onnxruntime's {@code KernelRegistry::VerifyKernelDef}: the node's version is the
 * {@code since_version} of the op schema in effect at the model's opset import (ONNX's own schemas, from
 * org.bytedeco:onnx; for com.microsoft ops a few schemas are written out here by hand, version 1). A kernel
 * registered for {@code [start, end]} matches when {@code start == since_version}, or when it has a finite end and
 * {@code start <= since_version <= end}; an open-ended kernel ({@code start+}) newer or older than the schema does
 * not match. Types follow {@code MatchKernelDefTypes}: each type constraint of the kernel is resolved to the formal
 * parameters whose type string is that constraint (else whose name is that string, as in {@code GatherND}'s
 * {@code indices}), and the first of those the node actually supplies must have one of the kernel's types.
 * Element types come from ONNX shape inference (best effort); a node whose types stay unknown is reported too.
 * {@code Constant} nodes are not checked: ONNX Runtime turns every one into an initializer when it loads a graph
 * (its {@code Graph} constructor, for subgraphs too), and no provider registers a Constant kernel.
 *
 * <p><b>Shape arithmetic on the CPU is accepted by design.</b> ONNX Runtime moves some nodes to the CPU even in a CUDA
 * session: {@code GetCpuPreferredNodes} (onnxruntime/core/framework/fallback_cpu_capability.cc, called from the CUDA
 * provider's {@code GetCapability}) starts from outputs that CUDA kernels write to host memory (those of
 * {@code Shape} and {@code Size}) and pulls onto the CPU every consumer whose inputs are all such host tensors, small
 * initializers (at most 100 elements) or graph inputs. That is small int64 shape arithmetic, placed there to avoid
 * copies, not a missing kernel. So this checker treats as <em>host-side</em> a node whose inputs are all host values
 * (outputs of {@code Shape}, {@code Size} or other host-side nodes) or constants of at most 100 elements, with at
 * least one host value, and whose outputs are all integer or bool tensors. A host-side node without a CUDA kernel
 * is listed in {@link Report#hostSide()}, not in {@link Report#uncovered()}: ONNX Runtime would run it on the CPU
 * with a CUDA kernel too. This is a simplification of ORT's traversal in two conservative ways: graph inputs never
 * count as host values (a training loop keeps them on the device), and any non-integer output ends the host-side
 * region. One way it is lenient: ORT keeps a node on CUDA when the host value is an input that the CUDA kernel itself
 * reads from host memory (Reshape's shape, ConstantOfShape's shape, Range's bounds), so its integer output lives on the
 * device; this checker still calls it host-side, which only matters for a node without a kernel further down.
 *
 * <p>Note that {@code session.disable_cpu_ep_fallback=1} does not make these placements go away: ONNX Runtime then
 * refuses any session whose main graph has a node on the CPU provider, shape nodes included (inference_session.cc),
 * so that option cannot be used on graphs with dynamic-shape arithmetic even when every node has a CUDA kernel.
 */
public final class CudaKernelCoverage {
    /** ORT's kSmallInitializerThreshold: initializers of at most this many elements may sit on the CPU. */
    static final long SMALL_CONSTANT_ELEMENTS = 100;

    /** One node and why it has no CUDA kernel; {@code types} binds each type constraint to the node's type. */
    public record Finding(String graph, String node, String op, String domain, int sinceVersion,
            Map<String, String> types, String reason) {

        /** Op, domain, version and types, without the (generated, unstable) node name. */
        public String signature() {
            String bound = types.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(", "));
            return op + "(" + domain + " v" + sinceVersion + "; " + bound + ")";
        }

        @Override
        public String toString() {
            return graph + " :: " + node + " :: " + signature() + " :: " + reason;
        }
    }

    /**
     * The nodes without a CUDA kernel that are not host-side ({@code uncovered}), those that are
     * ({@code hostSide}), how many nodes there are, how many of them are Constant nodes (not checked) and how many
     * nodes with a kernel are host-side.
     */
    public record Report(List<Finding> uncovered, List<Finding> hostSide, int nodes, int constants, int hostSideWithKernel) {
        /** Signature to number of nodes, sorted: the form the known-gap lists are written in. */
        public Map<String, Integer> uncoveredSignatures() {
            Map<String, Integer> counts = new TreeMap<>();
            uncovered.forEach(f -> counts.merge(f.signature(), 1, Integer::sum));
            return counts;
        }
    }

    private final CudaKernelTable table;
    private final Map<String, Integer> opsets = new HashMap<>();
    private final List<Finding> uncovered = new ArrayList<>();
    private final List<Finding> hostSide = new ArrayList<>();
    private int nodes;
    private int constants;
    private int hostSideWithKernel;

    private CudaKernelCoverage(CudaKernelTable table) {
        this.table = table;
    }

    public static Report check(ModelProto model, CudaKernelTable table) {
        CudaKernelCoverage c = new CudaKernelCoverage(table);
        ModelProto typed = inferTypes(model);
        for (OperatorSetIdProto opset : typed.getOpsetImportList()) {
            c.opsets.put(domain(opset.getDomain()), (int) opset.getVersion());
        }
        c.walk(typed.getGraph(), typed.getGraph().getName(), Map.of(), Set.of(), Set.of());
        return new Report(List.copyOf(c.uncovered), List.copyOf(c.hostSide), c.nodes, c.constants, c.hostSideWithKernel);
    }

    /** ONNX shape inference, best effort (types ONNX cannot infer stay unknown and are reported). */
    static ModelProto inferTypes(ModelProto model) {
        try {
            Path in = Files.createTempFile("cuda-coverage-", ".onnx");
            Path out = Files.createTempFile("cuda-coverage-typed-", ".onnx");
            try {
                Files.write(in, model.toByteArray());
                onnx.InferShapes(in.toString(), out.toString(), OpSchemaRegistry.Instance(),
                        new ShapeInferenceOptions(false, 0, false), null);
                return ModelProto.parseFrom(Files.readAllBytes(out));
            } finally {
                Files.deleteIfExists(in);
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void walk(GraphProto graph, String path, Map<String, String> outerTypes, Set<String> outerHost,
            Set<String> outerSmall) {
        Map<String, String> types = new HashMap<>(outerTypes);
        Set<String> host = new HashSet<>(outerHost);
        Set<String> small = new HashSet<>(outerSmall);
        for (List<ValueInfoProto> infos : List.of(graph.getInputList(), graph.getValueInfoList(), graph.getOutputList())) {
            for (ValueInfoProto v : infos) {
                String t = typeString(v.getType());
                if (t != null) {
                    types.put(v.getName(), t);
                }
            }
        }
        for (TensorProto t : graph.getInitializerList()) {
            types.put(t.getName(), tensorType(t.getDataType()));
            if (elements(t) <= SMALL_CONSTANT_ELEMENTS) {
                small.add(t.getName());
            }
        }
        int index = 0;
        for (NodeProto node : graph.getNodeList()) {
            String name = node.getName().isEmpty() ? node.getOpType() + "#" + index : node.getName();
            index++;
            if (node.getOpType().equals("Constant") && node.getDomain().isEmpty()) {
                for (AttributeProto a : node.getAttributeList()) {
                    if (a.getName().equals("value") && a.hasT()) {
                        types.putIfAbsent(node.getOutput(0), tensorType(a.getT().getDataType()));
                        if (elements(a.getT()) <= SMALL_CONSTANT_ELEMENTS) {
                            small.add(node.getOutput(0));
                        }
                    }
                }
            }
            check(node, name, path, types, host, small);
            for (AttributeProto a : node.getAttributeList()) {
                if (a.hasG()) {
                    walk(a.getG(), path + "/" + name + "." + a.getName(), types, host, small);
                }
                for (GraphProto g : a.getGraphsList()) {
                    walk(g, path + "/" + name + "." + a.getName(), types, host, small);
                }
            }
        }
    }

    private void check(NodeProto node, String name, String path, Map<String, String> types, Set<String> host,
            Set<String> small) {
        nodes++;
        String domain = domain(node.getDomain());
        if (domain.equals("ai.onnx") && node.getOpType().equals("Constant")) {
            constants++; // an initializer once ORT has loaded the graph; no provider has a Constant kernel
            return;
        }
        Schema schema = Schema.of(node.getOpType(), domain, opsets.getOrDefault(domain, 1));
        if (schema == null) {
            uncovered.add(new Finding(path, name, node.getOpType(), domain, 0, Map.of(),
                    "no op schema for opset " + opsets.get(domain) + " known to the checker"));
            return;
        }
        schema.fillOutputTypes(node, types);
        Map<String, String> bound = schema.boundTypes(node, types);
        String reason = missingKernel(node, schema, types);

        boolean shapeSource = domain.equals("ai.onnx") && (node.getOpType().equals("Shape") || node.getOpType().equals("Size"));
        boolean hostSideNode = !shapeSource && isHostSide(node, types, host, small);
        if (shapeSource || hostSideNode) {
            for (String out : node.getOutputList()) {
                if (!out.isEmpty()) {
                    host.add(out);
                }
            }
        }
        if (reason == null) {
            if (hostSideNode) {
                hostSideWithKernel++;
            }
            return;
        }
        Finding f = new Finding(path, name, node.getOpType(), domain, schema.since(), bound, reason);
        (hostSideNode ? hostSide : uncovered).add(f);
    }

    private static boolean isHostSide(NodeProto node, Map<String, String> types, Set<String> host, Set<String> small) {
        boolean anyHost = false;
        for (String in : node.getInputList()) {
            if (in.isEmpty()) {
                continue;
            }
            if (host.contains(in)) {
                anyHost = true;
            } else if (!small.contains(in)) {
                return false;
            }
        }
        if (!anyHost || node.getAttributeList().stream().anyMatch(a -> a.hasG() || a.getGraphsCount() > 0)) {
            return false;
        }
        for (String out : node.getOutputList()) {
            if (!out.isEmpty() && !INTEGER_TYPES.contains(types.get(out))) {
                return false;
            }
        }
        return true;
    }

    private static final Set<String> INTEGER_TYPES = Set.of("tensor(int64)", "tensor(int32)", "tensor(int16)",
            "tensor(int8)", "tensor(uint64)", "tensor(uint32)", "tensor(uint16)", "tensor(uint8)", "tensor(bool)");

    /** Null when a CUDA kernel matches, else why none does. */
    private String missingKernel(NodeProto node, Schema schema, Map<String, String> types) {
        List<Kernel> kernels = table.kernels(node.getOpType(), domain(node.getDomain()));
        if (kernels.isEmpty()) {
            return "no CUDA kernel for this op";
        }
        List<Kernel> inRange = kernels.stream().filter(k -> versionMatches(k, schema.since())).toList();
        if (inRange.isEmpty()) {
            return "no CUDA kernel for version " + schema.since() + " (registered: "
                    + kernels.stream().map(Kernel::range).collect(Collectors.joining(", ")) + ")";
        }
        List<String> mismatches = new ArrayList<>();
        for (Kernel k : inRange) {
            String mismatch = typeMismatch(k, node, schema, types);
            if (mismatch == null) {
                return null;
            }
            mismatches.add("kernel " + k.range() + ": " + mismatch);
        }
        return String.join("; ", mismatches);
    }

    /** onnxruntime's VerifyVersion. */
    static boolean versionMatches(Kernel k, int sinceVersion) {
        return k.since() == sinceVersion || (!k.openEnded() && k.since() <= sinceVersion && k.until() >= sinceVersion);
    }

    private static String typeMismatch(Kernel k, NodeProto node, Schema schema, Map<String, String> types) {
        for (Map.Entry<String, Set<String>> c : k.constraints().entrySet()) {
            List<Arg> args = schema.argsFor(c.getKey());
            if (args.isEmpty()) {
                return "constraint " + c.getKey() + " names no formal parameter of the schema";
            }
            for (Arg arg : args) {
                String actual = arg.actualName(node);
                if (actual == null) {
                    continue;
                }
                String type = types.get(actual);
                if (type == null) {
                    return "type of " + actual + " unknown";
                }
                if (!c.getValue().contains(type)) {
                    return c.getKey() + "=" + type + " not in " + new java.util.TreeSet<>(c.getValue());
                }
                break; // ORT checks the first supplied argument of each constraint only
            }
        }
        return null;
    }

    static String domain(String onnxDomain) {
        return onnxDomain.isEmpty() || onnxDomain.equals("ai.onnx") ? "ai.onnx" : onnxDomain;
    }

    private static long elements(TensorProto t) {
        long n = 1;
        for (long d : t.getDimsList()) {
            n *= d;
        }
        return n;
    }

    private static String typeString(TypeProto type) {
        return type.hasTensorType() && type.getTensorType().getElemType() != 0
                ? tensorType(type.getTensorType().getElemType()) : null;
    }

    /** TensorProto.DataType codes as OperatorKernels.md names them. */
    static String tensorType(int code) {
        String name = switch (code) {
            case 1 -> "float";
            case 2 -> "uint8";
            case 3 -> "int8";
            case 4 -> "uint16";
            case 5 -> "int16";
            case 6 -> "int32";
            case 7 -> "int64";
            case 8 -> "string";
            case 9 -> "bool";
            case 10 -> "float16";
            case 11 -> "double";
            case 12 -> "uint32";
            case 13 -> "uint64";
            case 14 -> "complex64";
            case 15 -> "complex128";
            case 16 -> "bfloat16";
            case 17 -> "float8e4m3fn";
            case 18 -> "float8e4m3fnuz";
            case 19 -> "float8e5m2";
            case 20 -> "float8e5m2fnuz";
            case 21 -> "uint4";
            case 22 -> "int4";
            case 23 -> "float4e2m1";
            default -> "type" + code;
        };
        return "tensor(" + name + ")";
    }

    /** A formal parameter: input or output, its position, and whether it is the variadic last one. */
    record Arg(boolean input, int index) {
        /** The node's argument for this formal parameter, or null when the node leaves it out. */
        String actualName(NodeProto node) {
            List<String> actual = input ? node.getInputList() : node.getOutputList();
            return index < actual.size() && !actual.get(index).isEmpty() ? actual.get(index) : null;
        }
    }

    record Formal(String name, String typeStr) {}

    /** What the checker needs of an op schema. */
    record Schema(int since, List<Formal> inputs, List<Formal> outputs, List<String> constraints) {

        static Schema of(String op, String domain, int opset) {
            if (domain.equals("com.microsoft")) {
                return CONTRIB.get(op);
            }
            OpSchema s = OpSchemaRegistry.Schema(op, opset, domain.equals("ai.onnx") ? "" : domain);
            if (s == null || s.isNull()) {
                return null;
            }
            List<String> constraints = new ArrayList<>();
            for (long i = 0; i < s.typeConstraintParams().size(); i++) {
                constraints.add(s.typeConstraintParams().get(i).type_param_str().getString());
            }
            return new Schema(s.since_version(), formals(s.inputs()), formals(s.outputs()), constraints);
        }

        private static List<Formal> formals(org.bytedeco.onnx.FormalParameterVector params) {
            List<Formal> out = new ArrayList<>();
            for (long i = 0; i < params.size(); i++) {
                OpSchema.FormalParameter p = params.get(i);
                out.add(new Formal(p.GetName().getString(), p.GetTypeStr().getString()));
            }
            return out;
        }

        /** onnxruntime's KernelTypeStrResolver: a constraint name, else a formal parameter's own name. */
        List<Arg> argsFor(String kernelTypeStr) {
            List<Arg> args = new ArrayList<>();
            for (boolean input : new boolean[] {true, false}) {
                List<Formal> formals = input ? inputs : outputs;
                for (int i = 0; i < formals.size(); i++) {
                    Formal f = formals.get(i);
                    String key = constraints.contains(f.typeStr()) ? f.typeStr() : f.name();
                    if (key.equals(kernelTypeStr)) {
                        args.add(new Arg(input, i));
                    }
                }
            }
            return args;
        }

        /** Each schema type constraint bound to the type of the first argument the node supplies for it. */
        Map<String, String> boundTypes(NodeProto node, Map<String, String> types) {
            Map<String, String> bound = new LinkedHashMap<>();
            for (String c : constraints) {
                for (Arg arg : argsFor(c)) {
                    String actual = arg.actualName(node);
                    if (actual != null) {
                        bound.put(c, types.getOrDefault(actual, "unknown"));
                        break;
                    }
                }
            }
            return bound;
        }

        /** Outputs ONNX could not type (ops it has no schema for) take the type of an input of their constraint. */
        void fillOutputTypes(NodeProto node, Map<String, String> types) {
            for (int i = 0; i < outputs.size() && i < node.getOutputCount(); i++) {
                String out = node.getOutput(i);
                if (out.isEmpty() || types.containsKey(out)) {
                    continue;
                }
                String c = outputs.get(i).typeStr();
                for (int j = 0; j < inputs.size() && j < node.getInputCount(); j++) {
                    if (inputs.get(j).typeStr().equals(c) && types.containsKey(node.getInput(j))) {
                        types.put(out, types.get(node.getInput(j)));
                        break;
                    }
                }
            }
        }
    }

    /** The com.microsoft ops the project may emit (quantized exports), as onnxruntime's contrib schemas declare them. */
    private static final Map<String, Schema> CONTRIB = Map.of(
            "MatMulNBits", new Schema(1,
                    List.of(new Formal("A", "T1"), new Formal("B", "T2"), new Formal("scales", "T1"),
                            new Formal("zero_points", "T3"), new Formal("g_idx", "T4"), new Formal("bias", "T1")),
                    List.of(new Formal("Y", "T1")), List.of("T1", "T2", "T3", "T4")),
            "GatherBlockQuantized", new Schema(1,
                    List.of(new Formal("data", "T1"), new Formal("indices", "Tind"), new Formal("scales", "T2"),
                            new Formal("zero_points", "T1")),
                    List.of(new Formal("output", "T2")), List.of("T1", "T2", "Tind")),
            "FusedMatMul", new Schema(1, List.of(new Formal("A", "T"), new Formal("B", "T")),
                    List.of(new Formal("Y", "T")), List.of("T")));
}

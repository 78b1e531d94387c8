package dev.summarizer.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Serialises a {@link Graph} as an ONNX model (IR 8, opset 17, plus {@code com.microsoft} version 1 when a
 * node uses ONNX Runtime's contrib operators). Models whose initializers would pass
 * protobuf's 2 GiB limit keep their large tensors in an external data file beside the model,
 * {@code <model file name>_data}, as the ONNX external-data convention describes.
 */
public final class OnnxModelWriter {
    public static final int IR_VERSION = 8;
    public static final int OPSET = 17;
    /** The versions of the operator sets other than ONNX's own that nodes may use. */
    public static final Map<String, Integer> DOMAIN_OPSETS = Map.of("com.microsoft", 1);
    /** Initializer bytes above which tensors move to external data (protobuf messages stop at 2 GiB). */
    public static final long EXTERNAL_DATA_THRESHOLD = 1_800_000_000L;
    private static final long EXTERNAL_MIN_BYTES = 1024;
    private static final long EXTERNAL_ALIGNMENT = 4096;

    private OnnxModelWriter() {}

    /** Writes {@code graph} to {@code file}, externalising its data when it is too large for one protobuf. */
    public static void write(Graph graph, Path file) throws IOException {
        write(graph, file, EXTERNAL_DATA_THRESHOLD);
    }

    static void write(Graph graph, Path file, long externalThreshold) throws IOException {
        long initializerBytes = graph.initializers().values().stream().mapToLong(Constant::byteSize).sum();
        Path dataFile = file.resolveSibling(file.getFileName() + "_data");
        Files.deleteIfExists(dataFile);
        ModelProto model;
        if (initializerBytes > externalThreshold) {
            try (FileChannel data = FileChannel.open(dataFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                model = toModel(graph, new ExternalData(data, dataFile.getFileName().toString()));
            }
        } else {
            model = toModel(graph, null);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            model.writeTo(out);
        }
    }

    public static ModelProto toModel(Graph graph) {
        try {
            return toModel(graph, null);
        } catch (IOException e) {
            throw new IllegalStateException(e); // only external data does I/O
        }
    }

    private static ModelProto toModel(Graph graph, ExternalData external) throws IOException {
        GraphProto.Builder proto = graphProto(graph);
        for (Map.Entry<String, Constant> entry : graph.initializers().entrySet()) {
            Constant c = entry.getValue();
            if (external != null && c.byteSize() >= EXTERNAL_MIN_BYTES) {
                proto.addInitializer(external.store(entry.getKey(), c));
            } else {
                proto.addInitializer(tensorProto(entry.getKey(), c));
            }
        }
        ModelProto.Builder model = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET));
        for (String domain : domainsUsed(graph, new TreeSet<>())) {
            Integer version = DOMAIN_OPSETS.get(domain);
            if (version == null) {
                throw new IllegalArgumentException("no opset version known for domain " + domain);
            }
            model.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(version));
        }
        return model.setProducerName("summarizer")
                .setProducerVersion("0.1")
                .setGraph(proto)
                .build();
    }

    /** The non-standard domains of the nodes of {@code graph} and of its branches. */
    private static Set<String> domainsUsed(Graph graph, Set<String> domains) {
        for (Node node : graph.nodes()) {
            if (!node.domain().isEmpty()) {
                domains.add(node.domain());
            }
            for (Object attribute : node.attributes().values()) {
                if (attribute instanceof Graph branch) {
                    domainsUsed(branch, domains);
                }
            }
        }
        return domains;
    }

    /** Nodes, inputs and outputs; initializers are added by the caller for the root graph only. */
    private static GraphProto.Builder graphProto(Graph graph) {
        GraphProto.Builder proto = GraphProto.newBuilder().setName(graph.name());
        for (Value v : graph.inputs()) {
            proto.addInput(valueInfo(v));
        }
        for (Value v : graph.outputs()) {
            proto.addOutput(valueInfo(v));
        }
        for (Node node : graph.nodes()) {
            proto.addNode(nodeProto(node));
        }
        return proto;
    }

    private static NodeProto nodeProto(Node node) {
        NodeProto.Builder proto = NodeProto.newBuilder().setName(node.name()).setOpType(node.opType());
        if (!node.domain().isEmpty()) {
            proto.setDomain(node.domain());
        }
        node.inputs().forEach(v -> proto.addInput(v.name()));
        node.outputs().forEach(v -> proto.addOutput(v.name()));
        for (Map.Entry<String, Object> entry : node.attributes().entrySet()) {
            proto.addAttribute(attribute(entry.getKey(), entry.getValue()));
        }
        return proto.build();
    }

    private static AttributeProto attribute(String name, Object value) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
        switch (value) {
            case Long l -> a.setType(AttributeProto.AttributeType.INT).setI(l);
            case Float f -> a.setType(AttributeProto.AttributeType.FLOAT).setF(f);
            case String s -> a.setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(s));
            case long[] ints -> {
                a.setType(AttributeProto.AttributeType.INTS);
                for (long i : ints) {
                    a.addInts(i);
                }
            }
            case float[] floats -> {
                a.setType(AttributeProto.AttributeType.FLOATS);
                for (float f : floats) {
                    a.addFloats(f);
                }
            }
            case Constant c -> a.setType(AttributeProto.AttributeType.TENSOR).setT(tensorProto("", c));
            case Graph g -> a.setType(AttributeProto.AttributeType.GRAPH).setG(graphProto(g));
            default -> throw new IllegalArgumentException("attribute " + name + " has unsupported value " + value);
        }
        return a.build();
    }

    private static ValueInfoProto valueInfo(Value v) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Dim d : v.shape().dims()) {
            switch (d) {
                case Dim.Fixed f -> shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(f.size()));
                case Dim.Symbolic s -> shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(s.name()));
            }
        }
        TypeProto type = TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(v.type().onnxCode()).setShape(shape))
                .build();
        return ValueInfoProto.newBuilder().setName(v.name()).setType(type).build();
    }

    private static TensorProto.Builder tensorHeader(String name, Constant c) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(c.type().onnxCode());
        for (long d : c.shape()) {
            t.addDims(d);
        }
        return t;
    }

    static TensorProto tensorProto(String name, Constant c) {
        return tensorHeader(name, c).setRawData(UnsafeByteOperations.unsafeWrap(littleEndianBytes(c))).build();
    }

    /** The tensor's values as ONNX raw data: little-endian, booleans one byte each. */
    static ByteBuffer littleEndianBytes(Constant c) {
        if (c.type() == DType.UINT8) {
            return ByteBuffer.wrap((byte[]) c.data());
        }
        ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(c.byteSize())).order(ByteOrder.LITTLE_ENDIAN);
        switch (c.type()) {
            case FLOAT -> buffer.asFloatBuffer().put((float[]) c.data());
            case DOUBLE -> buffer.asDoubleBuffer().put((double[]) c.data());
            case INT64 -> buffer.asLongBuffer().put((long[]) c.data());
            case INT32 -> buffer.asIntBuffer().put((int[]) c.data());
            case UINT8 -> throw new AssertionError("returned above");
            case BOOL -> {
                for (boolean b : (boolean[]) c.data()) {
                    buffer.put((byte) (b ? 1 : 0));
                }
                buffer.flip();
            }
        }
        return buffer;
    }

    /** Appends tensor data to the external data file and returns the initializer that points at it. */
    private record ExternalData(FileChannel channel, String location) {
        TensorProto store(String name, Constant c) throws IOException {
            long offset = (channel.position() + EXTERNAL_ALIGNMENT - 1) / EXTERNAL_ALIGNMENT * EXTERNAL_ALIGNMENT;
            channel.position(offset);
            ByteBuffer bytes = littleEndianBytes(c);
            long length = bytes.remaining();
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            return tensorHeader(name, c)
                    .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                    .addExternalData(entry("location", location))
                    .addExternalData(entry("offset", Long.toString(offset)))
                    .addExternalData(entry("length", Long.toString(length)))
                    .build();
        }

        private static StringStringEntryProto entry(String key, String value) {
            return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
        }
    }
}

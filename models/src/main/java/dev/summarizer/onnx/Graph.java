package dev.summarizer.onnx;

import dev.summarizer.model.FloatTensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small builder for ONNX graphs (opset 17). Each operator method appends a node and returns its output
 * with the dtype and the shape the builder infers, so that code reads like the math it builds and so that
 * reverse-mode differentiation knows how values broadcast.
 *
 * <p>Initializers and constants always live in the root graph; If branches made with {@link #branch}
 * refer to them (and to any other outer value) by name, as ONNX allows.
 */
public final class Graph {
    private final String name;
    private final Graph root;
    private final List<Value> inputs = new ArrayList<>();
    private final List<Value> outputs = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final Deque<String> scopes = new ArrayDeque<>();

    // Root-only state: initializers, shared constants, and a counter that keeps names unique in all branches.
    private final Map<String, Constant> initializers;
    private final Map<Integer, List<Value>> constantsByHash;
    private int counter;

    public Graph(String name) {
        this.name = name;
        this.root = this;
        this.initializers = new LinkedHashMap<>();
        this.constantsByHash = new HashMap<>();
    }

    private Graph(String name, Graph root) {
        this.name = name;
        this.root = root;
        this.initializers = null;
        this.constantsByHash = null;
    }

    /** A subgraph for an If branch, sharing this graph's initializers and naming. */
    public Graph branch(String branchName) {
        return new Graph(branchName, root);
    }

    public String name() {
        return name;
    }

    /** Whether this is the root graph (which holds the initializers) rather than an If branch. */
    public boolean isRoot() {
        return root == this;
    }

    public List<Value> inputs() {
        return List.copyOf(inputs);
    }

    public List<Value> outputs() {
        return List.copyOf(outputs);
    }

    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    /** The root's initializers by name, in insertion order. */
    public Map<String, Constant> initializers() {
        return java.util.Collections.unmodifiableMap(root.initializers);
    }

    // ---------------------------------------------------------------------------------------------
    // Naming

    /** Prefixes the names of values made until the returned scope is closed, e.g. {@code encoder/block.0}. */
    public Scope scope(String part) {
        scopes.addLast(part);
        return () -> scopes.removeLast();
    }

    /** A naming scope; closing it never fails. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    private String freshName(String hint) {
        StringBuilder sb = new StringBuilder("/");
        for (String s : scopes) {
            sb.append(s).append('/');
        }
        return sb.append(hint).append('_').append(root.counter++).toString();
    }

    // ---------------------------------------------------------------------------------------------
    // Graph inputs, outputs, initializers and constants

    public Value input(String inputName, DType type, Dim... dims) {
        Value v = new Value(inputName, type, Shape.of(dims));
        inputs.add(v);
        return v;
    }

    /** Declares an existing value, under its own name, as a graph output. */
    public Value output(Value value) {
        outputs.add(value);
        return value;
    }

    /**
     * Declares {@code value} as a graph output under {@code outputName} with the declared shape. A value made
     * by a node of this graph is renamed (no copy); others (inputs, initializers, outputs already declared) go
     * through an Identity node. Use the returned value from here on: the old one's name may be gone.
     */
    public Value output(String outputName, Value value, Dim... declaredDims) {
        Shape declared = declaredDims.length == 0 && value.rank() > 0 ? value.shape() : Shape.of(declaredDims);
        Value out = new Value(outputName, value.type(), declared);
        if (!value.name().equals(outputName)) {
            if (producedHere(value) && outputs.stream().noneMatch(o -> o.name().equals(value.name()))) {
                rename(value, out);
            } else {
                addNode("Identity", List.of(value), List.of(out), Map.of());
            }
        }
        outputs.add(out);
        return out;
    }

    private boolean producedHere(Value value) {
        return nodes.stream().anyMatch(n -> n.outputs().stream().anyMatch(o -> o.name().equals(value.name())));
    }

    /** Replaces every use of {@code from} by {@code to}, here and in branches that read it from outer scope. */
    private void rename(Value from, Value to) {
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            for (Object attribute : n.attributes().values()) {
                if (attribute instanceof Graph branch) {
                    branch.rename(from, to);
                }
            }
            if (n.inputs().stream().anyMatch(v -> v.name().equals(from.name()))
                    || n.outputs().stream().anyMatch(v -> v.name().equals(from.name()))) {
                nodes.set(i, new Node(n.name(), n.opType(), replace(n.inputs(), from, to), replace(n.outputs(), from, to),
                        n.attributes(), n.domain()));
            }
        }
    }

    private static List<Value> replace(List<Value> values, Value from, Value to) {
        return values.stream().map(v -> v.name().equals(from.name()) ? to : v).toList();
    }

    /** A named initializer holding {@code data} (not copied). */
    public Value initializer(String initializerName, Constant data) {
        if (root.initializers.containsKey(initializerName)) {
            throw new IllegalArgumentException("initializer " + initializerName + " exists");
        }
        root.initializers.put(initializerName, data);
        return new Value(initializerName, data.type(), Shape.fixed(data.shape()));
    }

    public Value initializer(String initializerName, FloatTensor tensor) {
        return initializer(initializerName, Constant.of(tensor));
    }

    /** Drops an initializer, for rewrites that leave it unread; the caller makes sure nothing reads it. */
    public void removeInitializer(String initializerName) {
        if (root.initializers.remove(initializerName) == null) {
            throw new IllegalArgumentException("no initializer " + initializerName);
        }
        root.constantsByHash.values().forEach(sameHash -> sameHash.removeIf(v -> v.name().equals(initializerName)));
    }

    /** A constant initializer; identical constants are stored once. */
    public Value constant(Constant data) {
        int hash = data.contentHash();
        List<Value> sameHash = root.constantsByHash.computeIfAbsent(hash, h -> new ArrayList<>());
        for (Value v : sameHash) {
            if (root.initializers.get(v.name()).sameAs(data)) {
                return v;
            }
        }
        Value v = initializer("const_" + root.counter++, data);
        sameHash.add(v);
        return v;
    }

    public Value constantLongs(long... values) {
        return constant(Constant.longs(values));
    }

    public Value scalar(DType type, double value) {
        return constant(Constant.scalar(type, value));
    }

    /** A scalar of {@code like}'s dtype, for arithmetic with {@code like}. */
    public Value scalarLike(Value like, double value) {
        return scalar(like.type(), value);
    }

    // ---------------------------------------------------------------------------------------------
    // Generic node construction

    public List<Value> op(String opType, List<Value> in, Map<String, Object> attributes, List<DType> outTypes,
            List<Shape> outShapes) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < outTypes.size(); i++) {
            names.add(freshName(opType + (outTypes.size() > 1 ? "_" + i : "")));
        }
        return op(opType, in, attributes, names, outTypes, outShapes);
    }

    /** A node whose outputs get the given names (for nodes that produce graph outputs directly). */
    public List<Value> op(String opType, List<Value> in, Map<String, Object> attributes, List<String> outNames,
            List<DType> outTypes, List<Shape> outShapes) {
        List<Value> out = new ArrayList<>();
        for (int i = 0; i < outTypes.size(); i++) {
            out.add(new Value(outNames.get(i), outTypes.get(i), outShapes.get(i)));
        }
        addNode(opType, in, out, attributes);
        return out;
    }

    public Value op(String opType, List<Value> in, Map<String, Object> attributes, DType outType, Shape outShape) {
        return op(opType, in, attributes, List.of(outType), List.of(outShape)).get(0);
    }

    /** A node of an operator set other than ONNX's own, e.g. {@code com.microsoft}'s contrib operators. */
    public Value domainOp(String domain, String opType, List<Value> in, Map<String, Object> attributes, DType outType,
            Shape outShape) {
        Value out = new Value(freshName(opType), outType, outShape);
        addNode(domain, opType, in, List.of(out), attributes);
        return out;
    }

    private void addNode(String opType, List<Value> in, List<Value> out, Map<String, Object> attributes) {
        addNode("", opType, in, out, attributes);
    }

    private void addNode(String domain, String opType, List<Value> in, List<Value> out, Map<String, Object> attributes) {
        String nodeName = out.isEmpty() ? freshName(opType) : out.get(0).name().replaceFirst("_\\d+$", "") + "_node";
        nodes.add(new Node(nodeName + "_" + nodes.size(), opType, in, out, new LinkedHashMap<>(attributes), domain));
    }

    /**
     * Replaces this graph's nodes (not those of its branches) by a rewrite of them, e.g. a graph pass's. The
     * rewrite keeps them in topological order and every value they read defined.
     */
    public void replaceNodes(List<Node> rewritten) {
        nodes.clear();
        nodes.addAll(rewritten);
    }

    // ---------------------------------------------------------------------------------------------
    // Elementwise arithmetic (numpy broadcasting)

    private Value binary(String opType, Value a, Value b, DType outType) {
        return op(opType, List.of(a, b), Map.of(), outType, Shape.broadcast(a.shape(), b.shape()));
    }

    public Value add(Value a, Value b) {
        return binary("Add", a, b, a.type());
    }

    public Value sub(Value a, Value b) {
        return binary("Sub", a, b, a.type());
    }

    public Value mul(Value a, Value b) {
        return binary("Mul", a, b, a.type());
    }

    public Value div(Value a, Value b) {
        return binary("Div", a, b, a.type());
    }

    public Value pow(Value a, Value exponent) {
        return binary("Pow", a, exponent, a.type());
    }

    public Value min(Value a, Value b) {
        return binary("Min", a, b, a.type());
    }

    public Value max(Value a, Value b) {
        return binary("Max", a, b, a.type());
    }

    public Value equal(Value a, Value b) {
        return binary("Equal", a, b, DType.BOOL);
    }

    public Value less(Value a, Value b) {
        return binary("Less", a, b, DType.BOOL);
    }

    public Value greater(Value a, Value b) {
        return binary("Greater", a, b, DType.BOOL);
    }

    public Value and(Value a, Value b) {
        return binary("And", a, b, DType.BOOL);
    }

    public Value or(Value a, Value b) {
        return binary("Or", a, b, DType.BOOL);
    }

    public Value where(Value condition, Value ifTrue, Value ifFalse) {
        Shape shape = Shape.broadcast(condition.shape(), Shape.broadcast(ifTrue.shape(), ifFalse.shape()));
        return op("Where", List.of(condition, ifTrue, ifFalse), Map.of(), ifTrue.type(), shape);
    }

    private Value unary(String opType, Value x) {
        return op(opType, List.of(x), Map.of(), x.type(), x.shape());
    }

    public Value neg(Value x) {
        return unary("Neg", x);
    }

    public Value sqrt(Value x) {
        return unary("Sqrt", x);
    }

    public Value reciprocal(Value x) {
        return unary("Reciprocal", x);
    }

    public Value relu(Value x) {
        return unary("Relu", x);
    }

    public Value tanh(Value x) {
        return unary("Tanh", x);
    }

    public Value erf(Value x) {
        return unary("Erf", x);
    }

    public Value sigmoid(Value x) {
        return unary("Sigmoid", x);
    }

    public Value exp(Value x) {
        return unary("Exp", x);
    }

    public Value log(Value x) {
        return unary("Log", x);
    }

    public Value abs(Value x) {
        return unary("Abs", x);
    }

    public Value not(Value x) {
        return unary("Not", x);
    }

    public Value identity(Value x) {
        return unary("Identity", x);
    }

    public Value cast(Value x, DType to) {
        return op("Cast", List.of(x), Map.of("to", (long) to.onnxCode()), to, x.shape());
    }

    // ---------------------------------------------------------------------------------------------
    // Linear algebra, reductions, normalisation

    public Value matMul(Value a, Value b) {
        if (a.rank() < 2 || b.rank() < 2) {
            throw new IllegalArgumentException("matMul needs rank >= 2: " + a + " @ " + b);
        }
        Shape batchA = new Shape(a.shape().dims().subList(0, a.rank() - 2));
        Shape batchB = new Shape(b.shape().dims().subList(0, b.rank() - 2));
        List<Dim> dims = new ArrayList<>(Shape.broadcast(batchA, batchB).dims());
        dims.add(a.dim(-2));
        dims.add(b.dim(-1));
        return op("MatMul", List.of(a, b), Map.of(), a.type(), new Shape(dims));
    }

    private Shape reduced(Shape in, long[] axes, boolean keepDims) {
        boolean[] reduce = new boolean[in.rank()];
        for (long axis : axes) {
            reduce[(int) (axis < 0 ? axis + in.rank() : axis)] = true;
        }
        List<Dim> dims = new ArrayList<>();
        for (int i = 0; i < in.rank(); i++) {
            if (!reduce[i]) {
                dims.add(in.dim(i));
            } else if (keepDims) {
                dims.add(Dim.of(1));
            }
        }
        return new Shape(dims);
    }

    /** ReduceMean over {@code axes} (an attribute in opset 17). */
    public Value reduceMean(Value x, boolean keepDims, long... axes) {
        return op("ReduceMean", List.of(x), Map.of("axes", axes, "keepdims", keepDims ? 1L : 0L), x.type(),
                reduced(x.shape(), axes, keepDims));
    }

    /** ReduceSum over {@code axes} (an input since opset 13). */
    public Value reduceSum(Value x, boolean keepDims, long... axes) {
        return op("ReduceSum", List.of(x, constantLongs(axes)), Map.of("keepdims", keepDims ? 1L : 0L), x.type(),
                reduced(x.shape(), axes, keepDims));
    }

    public Value reduceMax(Value x, boolean keepDims, long... axes) {
        return op("ReduceMax", List.of(x), Map.of("axes", axes, "keepdims", keepDims ? 1L : 0L), x.type(),
                reduced(x.shape(), axes, keepDims));
    }

    public Value softmax(Value x, long axis) {
        return op("Softmax", List.of(x), Map.of("axis", axis), x.type(), x.shape());
    }

    public Value logSoftmax(Value x, long axis) {
        return op("LogSoftmax", List.of(x), Map.of("axis", axis), x.type(), x.shape());
    }

    // ---------------------------------------------------------------------------------------------
    // Shape manipulation and indexing

    public Value gather(Value data, Value indices, long axis) {
        int a = (int) (axis < 0 ? axis + data.rank() : axis);
        List<Dim> dims = new ArrayList<>(data.shape().dims().subList(0, a));
        dims.addAll(indices.shape().dims());
        dims.addAll(data.shape().dims().subList(a + 1, data.rank()));
        return op("Gather", List.of(data, indices), Map.of("axis", axis), data.type(), new Shape(dims));
    }

    /**
     * Reshape to a constant target in ONNX's notation: 0 copies the input axis, -1 takes what is left. The
     * -1 axis is known statically when the input axes it absorbs are.
     */
    public Value reshape(Value x, long... target) {
        List<Dim> dims = new ArrayList<>();
        List<Dim> remaining = new ArrayList<>(x.shape().dims());
        long knownProduct = 1;
        int inferred = -1;
        for (int i = 0; i < target.length; i++) {
            if (target[i] == 0) {
                dims.add(x.dim(i));
                remaining.remove(x.dim(i));
            } else if (target[i] == -1) {
                inferred = i;
                dims.add(null);
            } else {
                dims.add(Dim.of(target[i]));
                knownProduct *= target[i];
            }
        }
        if (inferred >= 0) {
            boolean allFixed = remaining.stream().allMatch(Dim::isFixed);
            long product = remaining.stream().filter(Dim::isFixed).mapToLong(Dim::size).reduce(1, (p, q) -> p * q);
            dims.set(inferred, allFixed ? Dim.of(product / knownProduct) : Dim.named(freshName("reshaped")));
        }
        return op("Reshape", List.of(x, constantLongs(target)), Map.of(), x.type(), new Shape(dims));
    }

    /** Reshape to a shape computed in the graph; {@code result} is what the caller knows of it. */
    public Value reshape(Value x, Value shape, Shape result) {
        return op("Reshape", List.of(x, shape), Map.of(), x.type(), result);
    }

    public Value transpose(Value x, long... perm) {
        List<Dim> dims = new ArrayList<>();
        for (long p : perm) {
            dims.add(x.dim((int) p));
        }
        return op("Transpose", List.of(x), Map.of("perm", perm), x.type(), new Shape(dims));
    }

    /** Concat along {@code axis}; the result's axis is {@code resultDim}, or the sum when all parts are fixed. */
    public Value concat(long axis, Dim resultDim, Value... parts) {
        int a = (int) (axis < 0 ? axis + parts[0].rank() : axis);
        Dim d = resultDim;
        if (d == null) {
            boolean fixed = Arrays.stream(parts).allMatch(p -> p.dim(a).isFixed());
            d = fixed ? Dim.of(Arrays.stream(parts).mapToLong(p -> p.dim(a).size()).sum())
                    : Dim.named(freshName("concat_len"));
        }
        return op("Concat", List.of(parts), Map.of("axis", axis), parts[0].type(), parts[0].shape().with(a, d));
    }

    public Value unsqueeze(Value x, long... axes) {
        List<Dim> dims = new ArrayList<>(x.shape().dims());
        long[] sorted = axes.clone();
        int outRank = x.rank() + axes.length;
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = sorted[i] < 0 ? sorted[i] + outRank : sorted[i];
        }
        Arrays.sort(sorted);
        for (long a : sorted) {
            dims.add((int) a, Dim.of(1));
        }
        return op("Unsqueeze", List.of(x, constantLongs(axes)), Map.of(), x.type(), new Shape(dims));
    }

    public Value squeeze(Value x, long... axes) {
        return op("Squeeze", List.of(x, constantLongs(axes)), Map.of(), x.type(), reduced(x.shape(), axes, false));
    }

    /** Slice with graph-computed bounds; {@code result} is what the caller knows of the output shape. */
    public Value slice(Value x, Value starts, Value ends, Value axes, Shape result) {
        return op("Slice", List.of(x, starts, ends, axes), Map.of(), x.type(), result);
    }

    /** Slice with constant bounds along one axis. */
    public Value slice(Value x, long axis, long start, long end) {
        int a = (int) (axis < 0 ? axis + x.rank() : axis);
        Dim d = x.dim(a);
        Dim out;
        if (d.isFixed()) {
            long n = d.size();
            long s = Math.max(0, Math.min(n, start < 0 ? start + n : start));
            long e = Math.max(0, Math.min(n, end < 0 ? end + n : end));
            out = Dim.of(Math.max(0, e - s));
        } else {
            out = Dim.named(freshName("sliced"));
        }
        return slice(x, constantLongs(start), constantLongs(end), constantLongs(axis), x.shape().with(a, out));
    }

    public Value expand(Value x, Value shape, Shape result) {
        return op("Expand", List.of(x, shape), Map.of(), x.type(), result);
    }

    /** The runtime shape of {@code x} (an int64 vector), or of its axes {@code [start, end)}. */
    public Value shapeOf(Value x, int start, int end) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("start", (long) start);
        attributes.put("end", (long) end);
        return op("Shape", List.of(x), attributes, DType.INT64, Shape.fixed(end - start));
    }

    public Value shapeOf(Value x) {
        return op("Shape", List.of(x), Map.of(), DType.INT64, Shape.fixed(x.rank()));
    }

    /** The size of one axis of {@code x} as an int64 scalar. */
    public Value size(Value x, int axis) {
        int a = axis < 0 ? axis + x.rank() : axis;
        return squeeze(shapeOf(x, a, a + 1), 0);
    }

    /** {@code [start, limit)} by {@code delta}, all int64 scalars; {@code length} names the result's axis. */
    public Value range(Value start, Value limit, Value delta, Dim length) {
        return op("Range", List.of(start, limit, delta), Map.of(), start.type(), Shape.of(length));
    }

    /** A Constant node: a value made inside this graph (If branches must produce their outputs themselves). */
    public Value constantNode(Constant data) {
        return op("Constant", List.of(), Map.of("value", data), data.type(), Shape.fixed(data.shape()));
    }

    public Value constantOfShape(Value shape, Constant fill, Shape result) {
        return op("ConstantOfShape", List.of(shape), Map.of("value", fill), fill.type(), result);
    }

    /** Elements of {@code data} at {@code indices} along {@code axis}; the result has the indices' shape. */
    public Value gatherElements(Value data, Value indices, long axis) {
        return op("GatherElements", List.of(data, indices), Map.of("axis", axis), data.type(), indices.shape());
    }

    /** {@code data} with {@code updates} added (reduction "add") at {@code indices} along {@code axis}. */
    public Value scatterElementsAdd(Value data, Value indices, Value updates, long axis) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("axis", axis);
        attributes.put("reduction", "add");
        return op("ScatterElements", List.of(data, indices, updates), attributes, data.type(), data.shape());
    }

    /** {@code data} with {@code updates} added (reduction "add") at the index tuples {@code indices [..., k]}. */
    public Value scatterNdAdd(Value data, Value indices, Value updates) {
        return op("ScatterND", List.of(data, indices, updates), Map.of("reduction", "add"), data.type(), data.shape());
    }

    /**
     * SoftmaxCrossEntropyLoss with mean reduction over the rows whose label is not {@code ignoreIndex}:
     * {@code scores [n, classes]}, {@code labels [n]}; returns the loss and the log-probabilities.
     */
    public List<Value> softmaxCrossEntropy(Value scores, Value labels, long ignoreIndex) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("reduction", "mean");
        attributes.put("ignore_index", ignoreIndex);
        return op("SoftmaxCrossEntropyLoss", List.of(scores, labels), attributes, List.of(scores.type(), scores.type()),
                List.of(Shape.scalar(), scores.shape()));
    }

    /** The number of elements of {@code x}, an int64 scalar. */
    public Value sizeOf(Value x) {
        return op("Size", List.of(x), Map.of(), DType.INT64, Shape.scalar());
    }

    /** Constant-zero padding by {@code pads} ({@code [begin_0, ..., begin_n, end_0, ..., end_n]}, int64). */
    public Value pad(Value x, Value pads, Shape result) {
        return op("Pad", List.of(x, pads), Map.of("mode", "constant"), x.type(), result);
    }

    /** Splits {@code x} along {@code axis} into parts of the given sizes (an int64 vector). */
    public List<Value> split(Value x, long axis, Value sizes, List<Shape> results) {
        return op("Split", List.of(x, sizes), Map.of("axis", axis),
                results.stream().map(r -> x.type()).toList(), results);
    }

    /** Dropout in training mode at {@code ratio}; returns the output and the boolean keep-mask. */
    public List<Value> dropout(Value x, double ratio, long seed) {
        Value ratioValue = scalarLike(x, ratio);
        Value training = constant(Constant.scalar(DType.BOOL, 1));
        return op("Dropout", List.of(x, ratioValue, training), Map.of("seed", seed), List.of(x.type(), DType.BOOL),
                List.of(x.shape(), x.shape()));
    }

    /**
     * An If node whose outputs are named {@code resultNames}: both branches must declare outputs of the same
     * types in the same order.
     */
    public List<Value> ifThenElse(Value condition, Graph thenBranch, Graph elseBranch, List<String> resultNames,
            List<Shape> resultShapes) {
        List<DType> types = thenBranch.outputs.stream().map(Value::type).toList();
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("then_branch", thenBranch);
        attributes.put("else_branch", elseBranch);
        return op("If", List.of(condition), attributes, resultNames, types, resultShapes);
    }
}

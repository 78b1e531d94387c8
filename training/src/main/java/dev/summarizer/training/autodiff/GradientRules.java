package dev.summarizer.training.autodiff;

import static java.util.Map.entry;

import dev.summarizer.onnx.DType;
import dev.summarizer.onnx.Dim;
import dev.summarizer.onnx.Graph;
import dev.summarizer.onnx.Node;
import dev.summarizer.onnx.Shape;
import dev.summarizer.onnx.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A gradient rule for every operator the T5 forward graphs and the loss use. Each rule writes the
 * vector-Jacobian product in standard opset-17 operators; broadcasting is undone with
 * {@link GradientBuilder#reduceToShape}.
 */
final class GradientRules {
    private GradientRules() {}

    static final Map<String, GradientRule> RULES = Map.ofEntries(
            entry("Add", GradientRules::add),
            entry("Sub", GradientRules::sub),
            entry("Mul", GradientRules::mul),
            entry("Div", GradientRules::div),
            entry("Pow", GradientRules::pow),
            entry("Sqrt", GradientRules::sqrt),
            entry("Reciprocal", GradientRules::reciprocal),
            entry("Neg", (b, n, dy, need) -> new Value[] {b.g.neg(dy.get(0))}),
            entry("Identity", (b, n, dy, need) -> new Value[] {dy.get(0)}),
            entry("Relu", GradientRules::relu),
            entry("Tanh", GradientRules::tanh),
            entry("Erf", GradientRules::erf),
            entry("Sigmoid", GradientRules::sigmoid),
            entry("Exp", (b, n, dy, need) -> new Value[] {b.g.mul(dy.get(0), n.output())}),
            entry("Log", (b, n, dy, need) -> new Value[] {b.g.div(dy.get(0), n.input(0))}),
            entry("Cast", (b, n, dy, need) -> new Value[] {b.g.cast(dy.get(0), n.input(0).type())}),
            entry("Where", GradientRules::where),
            entry("MatMul", GradientRules::matMul),
            entry("ReduceMean", GradientRules::reduceMean),
            entry("ReduceSum", GradientRules::reduceSum),
            entry("Softmax", GradientRules::softmax),
            entry("LogSoftmax", GradientRules::logSoftmax),
            entry("Gather", GradientRules::gather),
            entry("GatherElements", GradientRules::gatherElements),
            entry("Reshape", (b, n, dy, need) -> new Value[] {b.g.reshape(dy.get(0), b.g.shapeOf(n.input(0)), n.input(0).shape())}),
            entry("Transpose", GradientRules::transpose),
            entry("Unsqueeze", (b, n, dy, need) -> new Value[] {b.g.squeeze(dy.get(0), b.longsOf(n.input(1)))}),
            entry("Squeeze", (b, n, dy, need) -> new Value[] {b.g.unsqueeze(dy.get(0), b.longsOf(n.input(1)))}),
            entry("Expand", (b, n, dy, need) -> new Value[] {b.reduceToShape(dy.get(0), n.input(0))}),
            entry("Concat", GradientRules::concat),
            entry("Slice", GradientRules::slice),
            entry("Dropout", GradientRules::dropout),
            entry("SoftmaxCrossEntropyLoss", GradientRules::softmaxCrossEntropy));

    // ---------------------------------------------------------------------------------------------
    // Elementwise

    private static Value[] add(GradientBuilder b, Node n, List<Value> dy, boolean[] need) {
        Value d = dy.get(0);
        return new Value[] {need[0] ? b.reduceToShape(d, n.input(0)) : null, need[1] ? b.reduceToShape(d, n.input(1)) : null};
    }

    private static Value[] sub(GradientBuilder b, Node n, List<Value> dy, boolean[] need) {
        Value d = dy.get(0);
        return new Value[] {need[0] ? b.reduceToShape(d, n.input(0)) : null,
                need[1] ? b.reduceToShape(b.g.neg(d), n.input(1)) : null};
    }

    private static Value[] mul(GradientBuilder b, Node n, List<Value> dy, boolean[] need) {
        Value d = dy.get(0);
        return new Value[] {need[0] ? b.reduceToShape(b.g.mul(d, n.input(1)), n.input(0)) : null,
                need[1] ? b.reduceToShape(b.g.mul(d, n.input(0)), n.input(1)) : null};
    }

    /** d(a/b) = da / b - db * (a/b) / b. */
    private static Value[] div(GradientBuilder b, Node n, List<Value> dy, boolean[] need) {
        Value d = dy.get(0);
        Value divisor = n.input(1);
        return new Value[] {need[0] ? b.reduceToShape(b.g.div(d, divisor), n.input(0)) : null,
                need[1] ? b.reduceToShape(b.g.neg(b.g.div(b.g.mul(d, n.output()), divisor)), divisor) : null};
    }

    /** x^e for a constant e: e * x^(e-1). */
    private static Value[] pow(GradientBuilder b, Node n, List<Value> dy, boolean[] need) {
        if (need[1]) {
            throw new UnsupportedOperationException("Pow: gradients with respect to the exponent are not supported");
        }
        Value x = n.input(0);
        double e = b.scalarValue(n.input(1));
        Value derivative = e == 2 ? b.g.mul(b.scalar(x, 2), x) : b.g.mul(b.scalar(x, e), b.g.pow(x, b.scalar(x, e - 1)));
        return new Value[] {b.g.mul(dy.get(0), derivative), null};
    }

    /** sqrt(x)' = 1 / (2 sqrt(x)). */
    private static Value[] sqrt(GradientBuilder b, Node n, List<Value> dy, boolean[] need) {
        return new Value[] {b.g.div(dy.get(0), b.g.mul(b.scalar(n.output(), 2), n.output()))};
    }

    /** (1/x)' = -(1/x)^2. */
    private static Value[] reciprocal(GradientBuilder b, Node n, List<Value> dy, boolean[] need) {
        Value y = n.output();
        return new Value[] {b.g.neg(b.g.mul(dy.get(0), b.g.mul(y, y)))};
    }

    private static Value[] relu(GradientBuilder b, Node n, List<Value> dy, boolean[] need) {
        Value y = n.output();
        return new Value[] {b.g.where(b.g.greater(y, b.scalar(y, 0)), dy.get(0), b.scalar(y, 0))};
    }

    /** tanh' = 1 - tanh^2. */
    private static Value[] tanh(GradientBuilder b, Node n, List<Value> dy, boolean[] need) {
        Value y = n.output();
        return new Value[] {b.g.mul(dy.get(0), b.g.sub(b.scalar(y, 1), b.g.mul(y, y)))};
    }

    /** erf'(x) = 2/sqrt(pi) exp(-x^2). */
    private static Value[] erf(GradientBuilder b, Node n, List<Value> dy, boolean[] need) {
        Value x = n.input(0);
        Value derivative = b.g.mul(b.scalar(x, 2 / Math.sqrt(Math.PI)), b.g.exp(b.g.neg(b.g.mul(x, x))));
        return new Value[] {b.g.mul(dy.get(0), derivative)};
    }

    private static Value[] sigmoid(GradientBuilder b, Node n, List<Value> dy, boolean[] need) {
        Value y = n.output();
        return new Value[] {b.g.mul(dy.get(0), b.g.mul(y, b.g.sub(b.scalar(y, 1), y)))};
    }

    private static Value[] where(GradientBuilder b, Node n, List<Value> dy, boolean[] need) {
        Value d = dy.get(0);
        Value zero = b.scalar(d, 0);
        Value condition = n.input(0);
        return new Value[] {null,
                need[1] ? b.reduceToShape(b.g.where(condition, d, zero), n.input(1)) : null,
                need[2] ? b.reduceToShape(b.g.where(condition, zero, d), n.input(2)) : null};
    }

    // ---------------------------------------------------------------------------------------------
    // Linear algebra and reductions

    /**
     * For Y = A @ B: dA = dY @ B^T and dB = A^T @ dY. A 2-D B against a batched A (a linear layer) takes one
     * large product over the flattened batch instead of a product per batch and a sum.
     */
    private static Value[] matMul(GradientBuilder b, Node n, List<Value> dy, boolean[] need) {
        Graph g = b.g;
        Value d = dy.get(0);
        Value a = n.input(0);
        Value w = n.input(1);
        Value da = null;
        Value dw = null;
        if (need[0]) {
            da = b.reduceToShape(g.matMul(d, transposeLastTwo(g, w)), a);
        }
        if (need[1]) {
            if (w.rank() == 2 && a.rank() > 2) {
                Value a2 = g.reshape(a, -1, a.dim(-1).size());
                Value d2 = g.reshape(d, -1, d.dim(-1).size());
                dw = g.matMul(g.transpose(a2, 1, 0), d2);
            } else {
                dw = b.reduceToShape(g.matMul(transposeLastTwo(g, a), d), w);
            }
        }
        return new Value[] {da, dw};
    }

    private static Value transposeLastTwo(Graph g, Value x) {
        long[] perm = new long[x.rank()];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = i;
        }
        perm[perm.length - 2] = perm.length - 1;
        perm[perm.length - 1] = perm.length - 2;
        return g.transpose(x, perm);
    }

    /** Every input element receives dY / N, N the number of elements averaged. */
    private static Value[] reduceMean(GradientBuilder b, Node n, List<Value> dy, boolean[] need) {
        Value x = n.input(0);
        long[] axes = n.longsAttribute("axes");
        Value spread = b.expandLike(keptDims(b, dy.get(0), axes, n.longAttribute("keepdims", 1) == 1), x);
        long count = 1;
        boolean fixed = true;
        for (long axis : axes) {
            Dim dim = x.dim((int) axis);
            fixed &= dim.isFixed();
            count *= dim.isFixed() ? dim.size() : 1;
        }
        Value scale = fixed ? b.scalar(x, 1.0 / count)
                : b.g.reciprocal(b.g.div(b.g.cast(b.g.sizeOf(x), x.type()), b.g.cast(b.g.sizeOf(n.output()), x.type())));
        return new Value[] {b.g.mul(spread, scale)};
    }

    private static Value[] reduceSum(GradientBuilder b, Node n, List<Value> dy, boolean[] need) {
        long[] axes = b.longsOf(n.input(1));
        Value kept = keptDims(b, dy.get(0), axes, n.longAttribute("keepdims", 1) == 1);
        return new Value[] {b.expandLike(kept, n.input(0)), null};
    }

    private static Value keptDims(GradientBuilder b, Value d, long[] axes, boolean keepDims) {
        return keepDims ? d : b.g.unsqueeze(d, axes);
    }

    /** dX = Y * (dY - sum(dY * Y)) along the axis. */
    private static Value[] softmax(GradientBuilder b, Node n, List<Value> dy, boolean[] need) {
        Value y = n.output();
        long axis = n.longAttribute("axis", -1);
        Value dot = b.g.reduceSum(b.g.mul(dy.get(0), y), true, axis);
        return new Value[] {b.g.mul(y, b.g.sub(dy.get(0), dot))};
    }

    /** dX = dY - softmax(X) * sum(dY) along the axis, softmax(X) = exp(Y). */
    private static Value[] logSoftmax(GradientBuilder b, Node n, List<Value> dy, boolean[] need) {
        long axis = n.longAttribute("axis", -1);
        Value total = b.g.reduceSum(dy.get(0), true, axis);
        return new Value[] {b.g.sub(dy.get(0), b.g.mul(b.g.exp(n.output()), total))};
    }

    // ---------------------------------------------------------------------------------------------
    // Indexing and shapes

    /** Rows gathered from a table (embeddings, position biases) send their gradients back with ScatterND add. */
    private static Value[] gather(GradientBuilder b, Node n, List<Value> dy, boolean[] need) {
        if (n.longAttribute("axis", 0) != 0) {
            throw new UnsupportedOperationException("Gather: gradients only along axis 0");
        }
        Value data = n.input(0);
        Value indices = b.g.unsqueeze(n.input(1), -1);
        return new Value[] {b.g.scatterNdAdd(b.zerosLike(data), indices, dy.get(0)), null};
    }

    private static Value[] gatherElements(GradientBuilder b, Node n, List<Value> dy, boolean[] need) {
        Value data = n.input(0);
        return new Value[] {b.g.scatterElementsAdd(b.zerosLike(data), n.input(1), dy.get(0), n.longAttribute("axis", 0)), null};
    }

    private static Value[] transpose(GradientBuilder b, Node n, List<Value> dy, boolean[] need) {
        long[] perm = n.longsAttribute("perm");
        long[] inverse = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            inverse[(int) perm[i]] = i;
        }
        return new Value[] {b.g.transpose(dy.get(0), inverse)};
    }

    /** Each part gets its slice of dY: Split by the parts' runtime sizes along the axis. */
    private static Value[] concat(GradientBuilder b, Node n, List<Value> dy, boolean[] need) {
        Graph g = b.g;
        int axis = (int) n.longAttribute("axis", 0);
        List<Value> parts = n.inputs();
        int a = axis < 0 ? axis + parts.get(0).rank() : axis;
        Value[] sizes = new Value[parts.size()];
        List<Shape> shapes = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            sizes[i] = g.shapeOf(parts.get(i), a, a + 1);
            shapes.add(parts.get(i).shape());
        }
        Value splitSizes = g.concat(0, Dim.of(parts.size()), sizes);
        List<Value> pieces = g.split(dy.get(0), a, splitSizes, shapes);
        Value[] out = new Value[parts.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = need[i] ? pieces.get(i) : null;
        }
        return out;
    }

    /**
     * A unit-step slice's gradient is dY padded with zeros back to the input's shape. The padding is computed
     * at run time from the input's shape and the (constant) bounds, normalised as Slice normalises them.
     */
    private static Value[] slice(GradientBuilder b, Node n, List<Value> dy, boolean[] need) {
        Graph g = b.g;
        Value x = n.input(0);
        long[] starts = b.longsOf(n.input(1));
        long[] ends = b.longsOf(n.input(2));
        long[] axes = n.inputs().size() > 3 ? b.longsOf(n.input(3)) : range(starts.length);
        if (n.inputs().size() > 4) {
            for (long step : b.longsOf(n.input(4))) {
                if (step != 1) {
                    throw new UnsupportedOperationException("Slice: gradients only for unit steps");
                }
            }
        }
        int rank = x.rank();
        Value zero = g.constantLongs(0);
        Value[] before = new Value[rank];
        Value[] after = new Value[rank];
        for (int i = 0; i < rank; i++) {
            before[i] = zero;
            after[i] = zero;
        }
        for (int i = 0; i < axes.length; i++) {
            int axis = (int) (axes[i] < 0 ? axes[i] + rank : axes[i]);
            Value dim = g.shapeOf(x, axis, axis + 1);
            Value begin = clampedBound(g, starts[i], dim);
            Value end = clampedBound(g, ends[i], dim);
            before[axis] = begin;
            after[axis] = g.sub(dim, end);
        }
        Value[] all = new Value[2 * rank];
        System.arraycopy(before, 0, all, 0, rank);
        System.arraycopy(after, 0, all, rank, rank);
        Value pads = g.concat(0, Dim.of(2L * rank), all);
        Value[] out = new Value[n.inputs().size()];
        out[0] = g.pad(dy.get(0), pads, x.shape());
        return out;
    }

    /** A Slice bound as Slice reads it: negative counts from the end, then clamped to [0, dim]. */
    private static Value clampedBound(Graph g, long bound, Value dim) {
        Value value = bound < 0 ? g.add(dim, g.constantLongs(bound)) : g.constantLongs(bound);
        return g.min(g.max(value, g.constantLongs(0)), dim);
    }

    private static long[] range(int n) {
        long[] r = new long[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }

    /**
     * Mean softmax cross-entropy over the counted rows. From the loss: (softmax - onehot(label)) * dL / count
     * on counted rows, zero on ignored ones; the -1 at each label is added into the softmax with a
     * ScatterElements, so no one-hot tensor is built. From the log-probabilities, if used too:
     * dLP - softmax * sum(dLP).
     */
    private static Value[] softmaxCrossEntropy(GradientBuilder b, Node n, List<Value> dy, boolean[] need) {
        if (!"mean".equals(n.attributes().get("reduction")) || n.inputs().size() > 2) {
            throw new UnsupportedOperationException("SoftmaxCrossEntropyLoss: gradients only for mean reduction without weights");
        }
        Graph g = b.g;
        Value labels = n.input(1);
        Value logProbs = n.outputs().get(1);
        Value softmax = g.exp(logProbs);
        long ignore = n.longAttribute("ignore_index", Long.MIN_VALUE);
        Value counted = g.not(g.equal(labels, g.scalar(DType.INT64, ignore)));
        Value result = null;
        if (dy.get(0) != null) {
            Value safeLabels = g.unsqueeze(g.where(counted, labels, g.scalar(DType.INT64, 0)), 1);
            Value mask = g.unsqueeze(g.cast(counted, softmax.type()), 1);
            Value minusOnes = g.neg(mask);
            Value shifted = g.scatterElementsAdd(softmax, safeLabels, minusOnes, 1);
            Value count = g.reduceSum(mask, false, 0, 1);
            result = g.mul(shifted, g.mul(mask, g.div(dy.get(0), count)));
        }
        if (dy.get(1) != null) {
            Value d = dy.get(1);
            Value fromLogProbs = g.sub(d, g.mul(softmax, g.reduceSum(d, true, 1)));
            result = result == null ? fromLogProbs : g.add(result, fromLogProbs);
        }
        return new Value[] {result, null};
    }

    /** Kept elements pass dY scaled by 1/(1-ratio), as the forward scaled them. */
    private static Value[] dropout(GradientBuilder b, Node n, List<Value> dy, boolean[] need) {
        Value d = dy.get(0);
        if (d == null) {
            return new Value[n.inputs().size()];
        }
        double ratio = n.inputs().size() > 1 ? b.scalarValue(n.input(1)) : 0.5;
        Value keep = b.g.cast(n.outputs().get(1), d.type());
        Value[] out = new Value[n.inputs().size()];
        out[0] = b.g.mul(d, b.g.mul(keep, b.scalar(d, 1 / (1 - ratio))));
        return out;
    }

    static boolean isDifferentiable(DType type) {
        return type.isFloatingPoint();
    }
}

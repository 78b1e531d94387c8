package dev.summarizer.training.autodiff;

import dev.summarizer.onnx.Constant;
import dev.summarizer.onnx.DType;
import dev.summarizer.onnx.Dim;
import dev.summarizer.onnx.Graph;
import dev.summarizer.onnx.Shape;
import dev.summarizer.onnx.Value;
import java.util.ArrayList;
import java.util.List;

/** The graph gradients are built in, with the helpers every rule needs. */
final class GradientBuilder {
    final Graph g;

    GradientBuilder(Graph g) {
        this.g = g;
    }

    /**
     * Sums {@code grad} down to {@code target}'s shape, undoing numpy broadcasting: leading axes the target
     * lacks, and axes where the target has a fixed 1 and the gradient does not.
     */
    Value reduceToShape(Value grad, Value target) {
        Shape from = grad.shape();
        Shape to = target.shape();
        int extra = from.rank() - to.rank();
        Value result = grad;
        if (extra > 0) {
            long[] leading = new long[extra];
            for (int i = 0; i < extra; i++) {
                leading[i] = i;
            }
            result = g.reduceSum(result, false, leading);
        }
        List<Long> ones = new ArrayList<>();
        for (int i = 0; i < to.rank(); i++) {
            if (to.dim(i).isOne() && !result.dim(i).isOne()) {
                ones.add((long) i);
            }
        }
        if (!ones.isEmpty()) {
            result = g.reduceSum(result, true, ones.stream().mapToLong(Long::longValue).toArray());
        }
        return result;
    }

    /** The constant data behind {@code v}, or null when it is not an initializer. */
    Constant constantOf(Value v) {
        return g.initializers().get(v.name());
    }

    /** The single number held by a scalar (or one-element) constant. */
    double scalarValue(Value v) {
        Constant c = constantOf(v);
        if (c == null) {
            throw new IllegalArgumentException(v + " is not a constant; its gradient rule needs one");
        }
        return switch (c.type()) {
            case FLOAT -> ((float[]) c.data())[0];
            case UINT8 -> ((byte[]) c.data())[0] & 0xFF;
            case DOUBLE -> ((double[]) c.data())[0];
            case INT64 -> ((long[]) c.data())[0];
            case INT32 -> ((int[]) c.data())[0];
            case BOOL -> ((boolean[]) c.data())[0] ? 1 : 0;
        };
    }

    long[] longsOf(Value v) {
        Constant c = constantOf(v);
        if (c == null || c.type() != DType.INT64) {
            throw new IllegalArgumentException(v + " is not an int64 constant; its gradient rule needs one");
        }
        return (long[]) c.data();
    }

    Value scalar(Value like, double value) {
        return g.scalarLike(like, value);
    }

    Value zerosLike(Value x) {
        return g.constantOfShape(g.shapeOf(x), Constant.scalar(x.type(), 0).reshaped(new long[] {1}), x.shape());
    }

    /** {@code x} broadcast to {@code like}'s runtime shape. */
    Value expandLike(Value x, Value like) {
        return g.expand(x, g.shapeOf(like), like.shape());
    }
}

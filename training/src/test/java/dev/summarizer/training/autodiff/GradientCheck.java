package dev.summarizer.training.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.summarizer.onnx.Constant;
import dev.summarizer.onnx.DType;
import dev.summarizer.onnx.Dim;
import dev.summarizer.onnx.Graph;
import dev.summarizer.onnx.OnnxModelWriter;
import dev.summarizer.onnx.Shape;
import dev.summarizer.onnx.Value;
import dev.summarizer.runtime.Sessions;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;

/**
 * Checks a graph's reverse-mode gradients against central finite differences, run by ONNX Runtime on CPU.
 * The checked function is {@code L = sum(f(x...) * w)} for a fixed random {@code w}, so every output element
 * carries its own weight. Float64 where ONNX Runtime has the kernels (tolerance ~1e-7), float32 otherwise.
 */
final class GradientCheck {
    private final DType type;
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private final Map<String, double[]> values = new LinkedHashMap<>();
    private final Random random = new Random(12345);
    private double low = -1.5;
    private double high = 1.5;

    private GradientCheck(DType type) {
        this.type = type;
    }

    static GradientCheck float64() {
        return new GradientCheck(DType.DOUBLE);
    }

    static GradientCheck float32() {
        return new GradientCheck(DType.FLOAT);
    }

    /** Inputs drawn from {@code [low, high]} (e.g. positive only, for sqrt and log). */
    GradientCheck range(double low, double high) {
        this.low = low;
        this.high = high;
        return this;
    }

    GradientCheck input(String name, long... shape) {
        int n = 1;
        for (long d : shape) {
            n *= (int) d;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = low + (high - low) * random.nextDouble();
        }
        shapes.put(name, shape);
        values.put(name, v);
        return this;
    }

    /**
     * Builds {@code f} on the inputs, differentiates {@code sum(f * w)} and compares every input element's
     * gradient with {@code (L(x + h) - L(x - h)) / 2h}.
     */
    void check(BiFunction<Graph, List<Value>, Value> f, double tolerance) throws Exception {
        Graph g = new Graph("check");
        List<Value> inputs = new ArrayList<>();
        for (var e : shapes.entrySet()) {
            Dim[] dims = new Dim[e.getValue().length];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = Dim.of(e.getValue()[i]);
            }
            inputs.add(g.input(e.getKey(), type, dims));
        }
        Value y = f.apply(g, inputs);
        long[] outShape = y.shape().sizes();
        int outSize = 1;
        for (long d : outShape) {
            outSize *= (int) d;
        }
        double[] weights = new double[outSize];
        for (int i = 0; i < outSize; i++) {
            weights[i] = random.nextDouble() * 2 - 1;
        }
        Value w = g.constant(constant(weights, outShape));
        long[] all = new long[outShape.length];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        Value weighted = g.mul(y, w);
        Value loss = all.length == 0 ? weighted : g.reduceSum(weighted, false, all);
        Map<String, Value> grads = Gradients.of(g, loss, inputs, g.scalar(type, 1));
        g.output("loss", loss);
        for (Value in : inputs) {
            g.output(in.name() + "_grad", grads.get(in.name()));
        }

        OrtEnvironment env = Sessions.environment();
        try (OrtSession session = env.createSession(OnnxModelWriter.toModel(g).toByteArray(), new OrtSession.SessionOptions())) {
            Map<String, double[]> analytic = new HashMap<>();
            try (OrtSession.Result r = run(env, session, values)) {
                for (Value in : inputs) {
                    analytic.put(in.name(), read((OnnxTensor) r.get(in.name() + "_grad").orElseThrow()));
                }
            }
            double h = type == DType.DOUBLE ? 1e-6 : 1e-2;
            for (Value in : inputs) {
                double[] x = values.get(in.name());
                double[] expected = new double[x.length];
                for (int i = 0; i < x.length; i++) {
                    double saved = x[i];
                    x[i] = saved + h;
                    double plus = loss(env, session);
                    x[i] = saved - h;
                    double minus = loss(env, session);
                    x[i] = saved;
                    expected[i] = (plus - minus) / (2 * h);
                }
                double[] got = analytic.get(in.name());
                assertEquals(expected.length, got.length, in.name());
                for (int i = 0; i < expected.length; i++) {
                    double scale = Math.max(1, Math.abs(expected[i]));
                    if (!(Math.abs(expected[i] - got[i]) <= tolerance * scale)) {
                        fail(String.format("d loss / d %s[%d]: finite difference %.10g, gradient %.10g", in.name(), i,
                                expected[i], got[i]));
                    }
                }
            }
        }
    }

    private double loss(OrtEnvironment env, OrtSession session) throws Exception {
        try (OrtSession.Result r = run(env, session, values)) {
            return read((OnnxTensor) r.get("loss").orElseThrow())[0];
        }
    }

    private OrtSession.Result run(OrtEnvironment env, OrtSession session, Map<String, double[]> inputs) throws Exception {
        Map<String, OnnxTensor> tensors = new HashMap<>();
        try {
            for (var e : inputs.entrySet()) {
                long[] shape = shapes.get(e.getKey());
                tensors.put(e.getKey(), type == DType.DOUBLE
                        ? OnnxTensor.createTensor(env, DoubleBuffer.wrap(e.getValue().clone()), shape)
                        : OnnxTensor.createTensor(env, FloatBuffer.wrap(toFloats(e.getValue())), shape));
            }
            return session.run(tensors);
        } finally {
            tensors.values().forEach(OnnxTensor::close);
        }
    }

    private Constant constant(double[] v, long[] shape) {
        return type == DType.DOUBLE ? new Constant(type, shape, v) : new Constant(type, shape, toFloats(v));
    }

    private static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    private static double[] read(OnnxTensor t) {
        if (t.getInfo().type == ai.onnxruntime.OnnxJavaType.DOUBLE) {
            DoubleBuffer b = t.getDoubleBuffer();
            double[] out = new double[b.remaining()];
            b.get(out);
            return out;
        }
        FloatBuffer b = t.getFloatBuffer();
        double[] out = new double[b.remaining()];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.get(i);
        }
        return out;
    }

    static Shape shape(long... dims) {
        return Shape.fixed(dims);
    }
}

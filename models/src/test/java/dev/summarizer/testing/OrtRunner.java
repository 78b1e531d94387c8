package dev.summarizer.testing;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.summarizer.runtime.Device;
import dev.summarizer.runtime.Sessions;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Runs an ONNX file once with named inputs and returns every output as floats, for tests. */
public final class OrtRunner implements AutoCloseable {
    private final OrtEnvironment env = Sessions.environment();
    private final OrtSession session;
    private final Map<String, OnnxTensor> inputs = new LinkedHashMap<>();

    public OrtRunner(Path model) throws OrtException {
        this.session = Sessions.open(model, Device.CPU, 1);
    }

    public OrtSession session() {
        return session;
    }

    public OrtRunner longs(String name, long[][] rows) throws OrtException {
        int width = rows.length == 0 ? 0 : rows[0].length;
        long[] flat = new long[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * width, width);
        }
        return put(name, OnnxTensor.createTensor(env, LongBuffer.wrap(flat), new long[] {rows.length, width}));
    }

    public OrtRunner floats(String name, float[] data, long... shape) throws OrtException {
        return put(name, OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape));
    }

    public OrtRunner bool(String name, boolean value) throws OrtException {
        return put(name, OnnxTensor.createTensor(env, new boolean[] {value}));
    }

    private OrtRunner put(String name, OnnxTensor tensor) {
        OnnxTensor previous = inputs.put(name, tensor);
        if (previous != null) {
            previous.close();
        }
        return this;
    }

    /** Runs and returns each output's values and shape. */
    public Map<String, Output> run() throws OrtException {
        Map<String, Output> out = new HashMap<>();
        try (OrtSession.Result result = session.run(inputs)) {
            for (Map.Entry<String, OnnxValue> e : result) {
                OnnxTensor t = (OnnxTensor) e.getValue();
                FloatBuffer buffer = t.getFloatBuffer();
                float[] values = new float[buffer.remaining()];
                buffer.get(values);
                out.put(e.getKey(), new Output(values, t.getInfo().getShape()));
            }
        }
        return out;
    }

    public record Output(float[] values, long[] shape) {}

    @Override
    public void close() throws OrtException {
        for (OnnxTensor t : inputs.values()) {
            t.close();
        }
        session.close();
    }
}

package dev.summarizer.training.session;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.summarizer.model.FloatTensor;
import dev.summarizer.model.ParameterSpec;
import dev.summarizer.model.Safetensors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One float32 buffer per parameter (the parameters themselves, their gradients, or a moment), in native
 * memory that ONNX Runtime reads and writes in place: each buffer is wrapped once as a tensor and passed to
 * every run, so no step copies parameters, gradients or moments.
 */
public final class TensorBuffers implements AutoCloseable {
    private final Map<String, FloatBuffer> buffers = new LinkedHashMap<>();
    private final Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
    private final Map<String, long[]> shapes = new LinkedHashMap<>();

    /** Zero-filled buffers for {@code specs}. */
    public TensorBuffers(OrtEnvironment env, List<ParameterSpec> specs) throws OrtException {
        for (ParameterSpec spec : specs) {
            FloatBuffer buffer = ByteBuffer.allocateDirect(Math.toIntExact(4 * spec.elementCount()))
                    .order(ByteOrder.nativeOrder()).asFloatBuffer();
            buffers.put(spec.name(), buffer);
            shapes.put(spec.name(), spec.shape());
            tensors.put(spec.name(), OnnxTensor.createTensor(env, buffer, spec.shape()));
        }
    }

    public OnnxTensor tensor(String name) {
        return tensors.get(name);
    }

    public Map<String, OnnxTensor> tensors() {
        return tensors;
    }

    /** The buffer behind one tensor, read and written from position 0 (a duplicate: its position is the caller's). */
    public FloatBuffer buffer(String name) {
        return buffers.get(name).duplicate();
    }

    /** Copies values in, by name; every buffer must get one of the right size. */
    public void load(Map<String, FloatTensor> values) {
        for (var e : buffers.entrySet()) {
            FloatTensor t = values.get(e.getKey());
            if (t == null || t.size() != e.getValue().capacity()) {
                throw new IllegalArgumentException("no values of the right size for " + e.getKey());
            }
            e.getValue().clear();
            e.getValue().put(t.data());
            e.getValue().clear();
        }
    }

    /** A copy of every buffer as a tensor, by name. */
    public Map<String, FloatTensor> copy() {
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        for (var e : buffers.entrySet()) {
            float[] data = new float[e.getValue().capacity()];
            e.getValue().get(0, data);
            out.put(e.getKey(), new FloatTensor(shapes.get(e.getKey()).clone(), data));
        }
        return out;
    }

    /** The buffers under {@code prefix + name}, for writing safetensors without copying. */
    public Map<String, Safetensors.Buffer> forWriting(String prefix) {
        Map<String, Safetensors.Buffer> out = new LinkedHashMap<>();
        buffers.forEach((name, buffer) -> out.put(prefix + name, new Safetensors.Buffer(shapes.get(name), buffer)));
        return out;
    }

    @Override
    public void close() {
        tensors.values().forEach(OnnxTensor::close);
    }
}

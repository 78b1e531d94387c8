package dev.summarizer.training.session;

import ai.onnxruntime.OnnxTensor;
import dev.summarizer.onnx.Graph;
import dev.summarizer.onnx.OnnxModelWriter;
import dev.summarizer.runtime.CpuFallback;
import java.util.HashMap;
import java.util.Map;

/**
 * A model a training session opens: the serialised graph, the tensors it takes as initializers when the session
 * opens (frozen weights, owned elsewhere), and whether a CUDA session of it may leave nodes to the CPU provider.
 * Closed once the session is open: it lets go of the initializers, which the session has copied, and tells their
 * owner, which may then free them.
 */
public final class SessionModel implements AutoCloseable {
    private final byte[] model;
    private final Map<String, OnnxTensor> initializers;
    private final CpuFallback fallback;
    private final Runnable whenOpened;

    public SessionModel(byte[] model, Map<String, OnnxTensor> initializers, CpuFallback fallback, Runnable whenOpened) {
        this.model = model;
        this.initializers = new HashMap<>(initializers);
        this.fallback = fallback;
        this.whenOpened = whenOpened;
    }

    /** A graph that takes everything as inputs. */
    public static SessionModel of(Graph graph) {
        return new SessionModel(OnnxModelWriter.toModel(graph).toByteArray(), Map.of(), CpuFallback.forGraph(graph), () -> {});
    }

    public byte[] model() {
        return model;
    }

    public Map<String, OnnxTensor> initializers() {
        return initializers;
    }

    public CpuFallback fallback() {
        return fallback;
    }

    @Override
    public void close() {
        initializers.clear();
        whenOpened.run();
    }
}

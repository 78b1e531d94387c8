package dev.summarizer.training.session;

import ai.onnxruntime.OnnxTensor;
import dev.summarizer.onnx.Graph;
import dev.summarizer.onnx.OnnxModelWriter;
import dev.summarizer.runtime.CpuFallback;
import java.util.Map;

/**
 * A model a training session opens: the serialised graph, the tensors it takes as initializers when the session
 * opens (frozen weights; owned elsewhere, valid while the session opens), and whether a CUDA session of it may leave
 * nodes to the CPU provider.
 */
public record SessionModel(byte[] model, Map<String, OnnxTensor> initializers, CpuFallback fallback) {

    /** A graph that takes everything as inputs. */
    public static SessionModel of(Graph graph) {
        return new SessionModel(OnnxModelWriter.toModel(graph).toByteArray(), Map.of(), CpuFallback.forGraph(graph));
    }
}

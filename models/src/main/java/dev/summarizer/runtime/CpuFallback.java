package dev.summarizer.runtime;

import dev.summarizer.onnx.Graph;
import dev.summarizer.onnx.Node;
import dev.summarizer.onnx.Value;
import java.util.Set;

/**
 * Whether a CUDA session may run nodes on ONNX Runtime's CPU provider. ONNX Runtime's
 * {@code session.disable_cpu_ep_fallback=1} turns a node without a CUDA kernel into an error when the session opens,
 * instead of a silent round trip through host memory; but it refuses a session with any node on the CPU provider,
 * and the CUDA provider puts some there itself: its {@code GetCapability} leaves out what
 * {@code GetCpuPreferredNodes} (onnxruntime/core/framework/fallback_cpu_capability.cc) picks, the consumers of
 * {@code Shape} and {@code Size} outputs and the producers of inputs that CUDA kernels read from host memory
 * (Reshape's shape, Slice's starts, Range's bounds, ...), and {@code InferenceSession::Initialize}
 * (inference_session.cc) then fails with "This session contains graph nodes that are assigned to the default CPU
 * EP". Every graph with dynamic shapes has such nodes (8 to 25 in ours), so the option is set only on graphs that
 * cannot have them: no node produces an integer tensor (shape values, axes and indices are int64) and none is a
 * Range or a control-flow node. The optimizer model is one; the training, eval and inference models are not, and
 * for them the CUDA kernel coverage test is the check.
 */
public enum CpuFallback {
    /** ONNX Runtime may place nodes on the CPU provider. */
    ALLOWED,
    /** A node the CUDA provider does not take is an error when the session opens. */
    DISABLED;

    /** ONNX Runtime's session option that refuses any node on the CPU provider. */
    public static final String DISABLE_OPTION = "session.disable_cpu_ep_fallback";
    private static final Set<String> HOST_INPUT_OPS = Set.of("Range", "If", "Loop", "Scan");

    /** DISABLED for a graph without shape arithmetic (see the class comment), ALLOWED otherwise. */
    public static CpuFallback forGraph(Graph graph) {
        for (Node node : graph.nodes()) {
            if (HOST_INPUT_OPS.contains(node.opType())) {
                return ALLOWED;
            }
            for (Value out : node.outputs()) {
                if (!out.type().isFloatingPoint() && out.type() != dev.summarizer.onnx.DType.BOOL) {
                    return ALLOWED;
                }
            }
        }
        return DISABLED;
    }
}

package dev.summarizer.training.autodiff;

import dev.summarizer.onnx.Node;
import dev.summarizer.onnx.Value;
import java.util.List;

/**
 * The vector-Jacobian product of one operator: given the gradients of the loss with respect to the node's
 * outputs (null where an output does not reach the loss), the gradients with respect to the inputs marked
 * {@code needed} (null elsewhere), built as new nodes in the graph.
 */
@FunctionalInterface
interface GradientRule {
    Value[] apply(GradientBuilder b, Node node, List<Value> outputGradients, boolean[] needed);
}

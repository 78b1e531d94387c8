package dev.summarizer.training.artifacts;

import dev.summarizer.onnx.Constant;
import dev.summarizer.onnx.DType;
import dev.summarizer.onnx.Dim;
import dev.summarizer.onnx.Graph;
import dev.summarizer.onnx.Shape;
import dev.summarizer.onnx.Value;
import dev.summarizer.runtime.Device;
import java.util.List;

/**
 * The sequence-to-sequence training objective as transformers computes it: token cross-entropy averaged over
 * the labels that are not -100, optionally with the Trainer's label smoothing, and decoder inputs made by
 * shifting the labels right.
 */
public final class T5Loss {
    public static final long IGNORE_INDEX = -100;

    private T5Loss() {}

    /** Which operators compute the cross-entropy. Both give the same loss and gradients (to float32 rounding). */
    public enum Form {
        /**
         * One SoftmaxCrossEntropyLoss node: the log-probabilities and the mean in one kernel, and a gradient rule that
         * needs no one-hot or zero tensor of the logits' size. ONNX Runtime has it only on the CPU (its inference
         * builds register no CUDA kernel for it).
         */
        FUSED,
        /**
         * LogSoftmax, GatherElements of the labels' log-probabilities and a masked mean: operators the CUDA provider
         * has kernels for, so the logits stay on the device. Its gradient scatters into a zero tensor of the logits'
         * size, which FUSED avoids.
         */
        DECOMPOSED;

        /** FUSED on the CPU, where it is the faster; DECOMPOSED on CUDA. */
        public static Form forDevice(Device device) {
            return device == Device.CUDA ? DECOMPOSED : FUSED;
        }
    }

    /** {@link #crossEntropy(Graph, Value, Value, double, Form)} with the fused operator. */
    public static Value crossEntropy(Graph g, Value logits, Value labels, double smoothing) {
        return crossEntropy(g, logits, labels, smoothing, Form.FUSED);
    }

    /**
     * Mean cross-entropy of {@code logits [batch, length, vocab]} against {@code labels [batch, length]}
     * (int64, -100 ignored). With smoothing e: (1 - e) * nll + e * mean over classes of -log p, both averaged
     * over the counted tokens (transformers' LabelSmoother).
     */
    public static Value crossEntropy(Graph g, Value logits, Value labels, double smoothing, Form form) {
        try (var scope = g.scope("loss")) {
            long vocab = logits.dim(-1).size();
            Value rows = g.reshape(logits, -1, vocab);
            Value flatLabels = g.reshape(labels, -1);
            Value counted = form == Form.DECOMPOSED || smoothing != 0
                    ? g.not(g.equal(flatLabels, g.scalar(DType.INT64, IGNORE_INDEX))) : null;
            Value mask = counted == null ? null : g.cast(counted, logits.type());
            Value nll;
            Value logProbs;
            if (form == Form.FUSED) {
                List<Value> ce = g.softmaxCrossEntropy(rows, flatLabels, IGNORE_INDEX);
                nll = ce.get(0);
                logProbs = ce.get(1);
            } else {
                logProbs = g.logSoftmax(rows, 1);
                // Ignored labels pick class 0 and are then masked out of the sum and the count.
                Value safeLabels = g.unsqueeze(g.where(counted, flatLabels, g.scalar(DType.INT64, 0)), 1);
                Value picked = g.squeeze(g.gatherElements(logProbs, safeLabels, 1), 1);
                nll = g.div(g.neg(g.reduceSum(g.mul(picked, mask), false, 0)), g.reduceSum(mask, false, 0));
            }
            if (smoothing == 0) {
                return nll;
            }
            Value count = g.max(g.reduceSum(mask, false, 0), g.scalarLike(mask, 1));
            Value perToken = g.neg(g.reduceSum(logProbs, false, -1));
            Value smoothed = g.div(g.reduceSum(g.mul(perToken, mask), false, 0), g.mul(count, g.scalarLike(mask, vocab)));
            return g.add(g.mul(g.scalarLike(nll, 1 - smoothing), nll), g.mul(g.scalarLike(nll, smoothing), smoothed));
        }
    }

    /**
     * transformers' {@code _shift_right}: the decoder start token, then the labels without their last token,
     * with -100 replaced by the pad token.
     */
    public static Value decoderInputIds(Graph g, Value labels, long decoderStartTokenId, long padTokenId) {
        try (var scope = g.scope("shift_right")) {
            Value batch = g.shapeOf(labels, 0, 1);
            Value startShape = g.concat(0, Dim.of(2), batch, g.constantLongs(1));
            Value start = g.constantOfShape(startShape, new Constant(DType.INT64, new long[] {1}, new long[] {decoderStartTokenId}),
                    Shape.of(labels.dim(0), Dim.of(1)));
            Value shifted = g.concat(1, labels.dim(1), start, g.slice(labels, 1, 0, -1));
            return g.where(g.equal(shifted, g.scalar(DType.INT64, IGNORE_INDEX)), g.scalar(DType.INT64, padTokenId), shifted);
        }
    }
}

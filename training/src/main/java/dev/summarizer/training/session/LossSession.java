package dev.summarizer.training.session;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.summarizer.model.T5Weights;
import dev.summarizer.onnx.OnnxModelWriter;
import dev.summarizer.runtime.Device;
import dev.summarizer.runtime.NativeResources;
import dev.summarizer.runtime.Sessions;
import dev.summarizer.training.artifacts.ArtifactNames;
import dev.summarizer.training.artifacts.TrainingGraphs;

/**
 * The teacher-forced loss of a model on batches, as the Trainer's evaluation computes {@code eval_loss}: the eval
 * graph (forward and loss, no dropout, no gradients) over a model's weights, for {@code evaluate}.
 */
public final class LossSession implements AutoCloseable {
    private final OrtSession eval;
    private final TensorBuffers params;

    private LossSession(OrtSession eval, TensorBuffers params) {
        this.eval = eval;
        this.params = params;
    }

    public static LossSession open(T5Weights weights, Device device, int threads) throws OrtException {
        try (NativeResources opened = new NativeResources()) {
            TensorBuffers params = opened.add(new TensorBuffers(Sessions.environment(), weights.layout().specs()));
            params.load(weights.tensors());
            OrtSession eval = opened.add(Sessions.openForTraining(OnnxModelWriter.toModel(
                    TrainingGraphs.eval(weights.config(), weights.layout(), 0)).toByteArray(), device, threads));
            LossSession session = new LossSession(eval, params);
            opened.handOver();
            return session;
        }
    }

    /** The mean token cross-entropy of {@code batch} (labels -100 ignored). */
    public double loss(Batch batch) throws OrtException {
        try (BatchTensors inputs = new BatchTensors(batch);
                OrtSession.Result result = eval.run(inputs.with(params.tensors()))) {
            Object value = ((OnnxTensor) result.get(ArtifactNames.LOSS).orElseThrow()).getValue();
            return value instanceof Float f ? f : (Double) value;
        }
    }

    @Override
    public void close() throws OrtException {
        NativeResources.closeAll(eval, params);
    }
}

package dev.summarizer.training.artifacts;

import dev.summarizer.model.ParameterSpec;
import dev.summarizer.model.T5ParameterLayout;
import dev.summarizer.onnx.DType;
import dev.summarizer.onnx.Dim;
import dev.summarizer.onnx.Graph;
import dev.summarizer.onnx.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * The optimizer model: global-norm gradient clipping, then torch's AdamW on every parameter at once, in
 * torch's order of float32 operations.
 *
 * <p>Inputs: {@code learning_rate} (float64), {@code step} (int64, 1 for the first update),
 * {@code grad_scale} (float, multiplies the gradients first: 1 / accumulation steps), {@code max_grad_norm}
 * (float, 0 or less for no clipping), then per parameter the parameter, its gradient and both moments.
 * Outputs: {@code grad_norm} (of the scaled gradients, before clipping), then per parameter
 * {@code <name>.updated}, {@code <name>.exp_avg.updated}, {@code <name>.exp_avg_sq.updated}.
 */
public final class OptimizerGraph {
    private OptimizerGraph() {}

    public static Graph adamW(T5ParameterLayout layout, AdamWSettings settings) {
        return adamW(layout.specs(), settings);
    }

    /** The optimizer model over {@code trained} (every parameter of a model, or a LoRA adapter's factors). */
    public static Graph adamW(List<ParameterSpec> trained, AdamWSettings settings) {
        Graph g = new Graph("optimizer");
        Value learningRate = g.input(ArtifactNames.LEARNING_RATE, DType.DOUBLE);
        Value step = g.input(ArtifactNames.STEP, DType.INT64);
        Value gradScale = g.input(ArtifactNames.GRAD_SCALE, DType.FLOAT);
        Value maxNorm = g.input(ArtifactNames.MAX_GRAD_NORM, DType.FLOAT);

        List<State> states = new ArrayList<>();
        for (ParameterSpec spec : trained) {
            Dim[] dims = TrainingGraphs.dims(spec.shape());
            String name = spec.name();
            states.add(new State(spec,
                    g.input(name, DType.FLOAT, dims),
                    g.input(ArtifactNames.gradient(name), DType.FLOAT, dims),
                    g.input(ArtifactNames.firstMoment(name), DType.FLOAT, dims),
                    g.input(ArtifactNames.secondMoment(name), DType.FLOAT, dims)));
        }

        // Clipping as torch.nn.utils.clip_grad_norm_: total = ||(||g_1||, ..., ||g_n||)||, coefficient
        // max / (total + 1e-6) capped at 1, applied to every gradient. The gradients are scaled where they are
        // used rather than all at once: the norms need every gradient before any update, and scaled copies of
        // them all would stay alive until the end.
        Value squares = null;
        for (State s : states) {
            Value norm = g.mul(g.sqrt(g.reduceSum(g.mul(s.grad, s.grad), false, allAxes(s.grad.rank()))), gradScale);
            Value square = g.mul(norm, norm);
            squares = squares == null ? square : g.add(squares, square);
        }
        Value totalNorm = g.sqrt(squares);
        Value coefficient = g.min(g.div(maxNorm, g.add(totalNorm, g.scalar(DType.FLOAT, 1e-6))), g.scalar(DType.FLOAT, 1));
        Value clip = g.where(g.greater(maxNorm, g.scalar(DType.FLOAT, 0)), coefficient, g.scalar(DType.FLOAT, 1));
        g.output(ArtifactNames.GRAD_NORM, totalNorm);

        // Step-dependent scalars in float64 as torch computes them in Python, then float32 for the tensors.
        Value stepDouble = g.cast(step, DType.DOUBLE);
        Value one = g.scalar(DType.DOUBLE, 1);
        Value biasCorrection1 = g.sub(one, g.pow(g.scalar(DType.DOUBLE, settings.beta1()), stepDouble));
        Value biasCorrection2 = g.sub(one, g.pow(g.scalar(DType.DOUBLE, settings.beta2()), stepDouble));
        Value stepSize = g.cast(g.div(learningRate, biasCorrection1), DType.FLOAT);
        Value correction2Sqrt = g.cast(g.sqrt(biasCorrection2), DType.FLOAT);
        Value decayFactor = g.cast(g.sub(one, g.mul(learningRate, g.scalar(DType.DOUBLE, settings.weightDecay()))), DType.FLOAT);
        Value oneMinusBeta1 = g.scalar(DType.FLOAT, 1 - settings.beta1());
        Value beta2 = g.scalar(DType.FLOAT, settings.beta2());
        Value oneMinusBeta2 = g.scalar(DType.FLOAT, 1 - settings.beta2());
        Value epsilon = g.scalar(DType.FLOAT, settings.epsilon());

        Value gradFactor = g.mul(gradScale, clip);
        for (State s : states) {
            Value grad = g.mul(s.grad, gradFactor);
            Value param = s.spec.kind().decays() && settings.weightDecay() != 0 ? g.mul(s.param, decayFactor) : s.param;
            // exp_avg.lerp_(grad, 1 - beta1): m + (1 - beta1) (g - m)
            Value m = g.add(s.m, g.mul(oneMinusBeta1, g.sub(grad, s.m)));
            // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
            Value v = g.add(g.mul(s.v, beta2), g.mul(g.mul(oneMinusBeta2, grad), grad));
            // param.addcdiv_(exp_avg, sqrt(v) / sqrt(bias_correction2) + eps, value=-step_size)
            Value denominator = g.add(g.div(g.sqrt(v), correction2Sqrt), epsilon);
            Value updated = g.add(param, g.div(g.mul(g.neg(stepSize), m), denominator));
            String name = s.spec.name();
            Dim[] dims = TrainingGraphs.dims(s.spec.shape());
            g.output(ArtifactNames.updated(name), updated, dims);
            g.output(ArtifactNames.updated(ArtifactNames.firstMoment(name)), m, dims);
            g.output(ArtifactNames.updated(ArtifactNames.secondMoment(name)), v, dims);
        }
        return g;
    }

    private record State(ParameterSpec spec, Value param, Value grad, Value m, Value v) {}

    private static long[] allAxes(int rank) {
        long[] axes = new long[rank];
        for (int i = 0; i < rank; i++) {
            axes[i] = i;
        }
        return axes;
    }
}

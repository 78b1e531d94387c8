package dev.summarizer.generate;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs sessions and adds up the time spent inside ONNX Runtime and the decoder passes, so benchmarks can report
 * ONNX Runtime's share and the passes per generated token.
 */
public final class RunTimer {
    private final LongAdder nanos = new LongAdder();
    private final LongAdder decoderPasses = new LongAdder();
    private final LongAdder decoderNanos = new LongAdder();

    OrtSession.Result run(OrtSession session, Map<String, OnnxTensor> inputs) throws OrtException {
        long start = System.nanoTime();
        try {
            return session.run(inputs);
        } finally {
            nanos.add(System.nanoTime() - start);
        }
    }

    OrtSession.Result run(OrtSession session, Map<String, OnnxTensor> inputs, Set<String> outputs,
            Map<String, OnnxTensor> pinnedOutputs) throws OrtException {
        long start = System.nanoTime();
        try {
            return session.run(inputs, outputs, pinnedOutputs);
        } finally {
            nanos.add(System.nanoTime() - start);
        }
    }

    /** A decoder pass: timed like any run, and counted. */
    OrtSession.Result runDecoder(OrtSession session, Map<String, OnnxTensor> inputs, Set<String> outputs,
            Map<String, OnnxTensor> pinnedOutputs) throws OrtException {
        decoderPasses.increment();
        long start = System.nanoTime();
        try {
            return run(session, inputs, outputs, pinnedOutputs);
        } finally {
            decoderNanos.add(System.nanoTime() - start);
        }
    }

    /** Decoder passes run so far (one per token in plain greedy search; fewer with prompt lookup). */
    public long decoderPasses() {
        return decoderPasses.sum();
    }

    /** Time inside decoder passes alone (a part of {@link #nanos}). */
    public long decoderNanos() {
        return decoderNanos.sum();
    }

    public long nanos() {
        return nanos.sum();
    }
}

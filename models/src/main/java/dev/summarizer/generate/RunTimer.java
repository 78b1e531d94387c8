package dev.summarizer.generate;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/** Runs sessions and adds up the time spent inside ONNX Runtime, so benchmarks can report its share. */
public final class RunTimer {
    private final LongAdder nanos = new LongAdder();

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

    public long nanos() {
        return nanos.sum();
    }
}

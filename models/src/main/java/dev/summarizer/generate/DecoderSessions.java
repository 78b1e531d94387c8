package dev.summarizer.generate;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.summarizer.runtime.Device;
import dev.summarizer.runtime.NativeResources;
import dev.summarizer.runtime.Sessions;
import java.nio.file.Path;
import java.util.List;

/**
 * The decoder sessions of a model's decoding loop, the first step's and the cached steps' (one session for both with
 * the merged decoder), opened with the model or at their first use. A server that decodes in a continuous batch runs
 * these files only for prompt lookup and for retrying a text alone, so it opens them when one comes: for t5-small that
 * keeps 0.4 GB of fp32 weights out of memory until then.
 */
final class DecoderSessions implements AutoCloseable {
    /** The two steps' sessions (maybe one and the same). */
    record Steps(OrtSession first, OrtSession cached) {}

    /** The files to open, first step's first; null once opened. */
    private List<Path> files;
    private final Device device;
    private final int threads;
    private Steps steps;
    private boolean closed;

    private DecoderSessions(List<Path> files, Device device, int threads, Steps steps) {
        this.files = files;
        this.device = device;
        this.threads = threads;
        this.steps = steps;
    }

    /** Sessions already open; they are closed with this. */
    static DecoderSessions of(OrtSession first, OrtSession cached) {
        return new DecoderSessions(null, null, 0, new Steps(first, cached));
    }

    /** {@code files} (one, or the first step's and the cached steps'), opened by the first {@link #steps} call. */
    static DecoderSessions onFirstUse(List<Path> files, Device device, int threads) {
        if (files.isEmpty() || files.size() > 2) {
            throw new IllegalArgumentException("one or two decoder files, got " + files);
        }
        return new DecoderSessions(List.copyOf(files), device, threads, null);
    }

    /** The sessions, opened now if they were not yet (which takes as long as opening them with the model would). */
    synchronized Steps steps() throws OrtException {
        if (closed) {
            throw new IllegalStateException("the model is closed");
        }
        if (steps == null) {
            List<OrtSession> sessions = Sessions.openAll(files, device, threads);
            steps = new Steps(sessions.get(0), sessions.get(sessions.size() - 1));
            files = null;
        }
        return steps;
    }

    synchronized boolean isOpen() {
        return steps != null;
    }

    @Override
    public synchronized void close() throws OrtException {
        closed = true;
        if (steps != null) {
            NativeResources.closeAll(steps.first(), steps.cached() != steps.first() ? steps.cached() : null);
            steps = null;
        }
    }
}

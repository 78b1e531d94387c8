package dev.summarizer.runtime;

import ai.onnxruntime.OrtException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Function;

/**
 * What a constructor has opened so far (sessions, tensors, tokenizers), so that a failure half-way closes them:
 *
 * <pre>{@code
 * try (NativeResources opened = new NativeResources()) {
 *     OrtSession a = opened.add(Sessions.open(...));
 *     OrtSession b = opened.add(Sessions.open(...));   // if this throws, a is closed
 *     Model m = new Model(a, b);
 *     opened.handOver();                              // from here on m owns them
 *     return m;
 * }
 * }</pre>
 */
public final class NativeResources implements AutoCloseable {
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();
    private boolean handedOver;

    public <T extends AutoCloseable> T add(T resource) {
        if (resource != null) {
            opened.push(resource);
        }
        return resource;
    }

    /** The resources now belong to the object that was built: closing this no longer closes them. */
    public void handOver() {
        handedOver = true;
    }

    @Override
    public void close() throws OrtException {
        if (!handedOver) {
            closeAll(opened.toArray(AutoCloseable[]::new));
        }
    }

    /**
     * Closes every resource, in the order given, even when some fail: the first failure is thrown with the others
     * attached as suppressed exceptions. Nulls are skipped.
     */
    public static void closeAll(AutoCloseable... resources) throws OrtException {
        Exception first = null;
        for (AutoCloseable r : resources) {
            if (r == null) {
                continue;
            }
            try {
                r.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        rethrow(first, e -> "closing failed: " + e.getMessage());
    }

    /**
     * Throws {@code failure} as it is when it is an {@link OrtException}, unchecked or an {@link Error}, and otherwise
     * wrapped in an {@link IllegalStateException} with {@code message}'s text; does nothing when it is null.
     */
    public static void rethrow(Throwable failure, Function<Throwable, String> message) throws OrtException {
        if (failure instanceof OrtException ort) {
            throw ort;
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        if (failure != null) {
            throw new IllegalStateException(message.apply(failure), failure);
        }
    }
}

package dev.summarizer.runtime;

import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import dev.summarizer.model.ModelFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Opens ONNX Runtime sessions with this project's settings. */
public final class Sessions {
    private Sessions() {}

    /**
     * The process's ONNX Runtime environment. Its native log stays quiet but for fatal errors: every failure also
     * surfaces as an OrtException, which the commands turn into one line, and a native copy of the same error
     * printed before it was noise.
     */
    public static OrtEnvironment environment() {
        return OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, "summarizer");
    }

    /**
     * A session for {@code file} on {@code device} with all graph optimisations. {@code threads} caps the
     * intra-op thread pool; 0 lets ONNX Runtime use every core.
     */
    public static OrtSession open(Path file, Device device, int threads) throws OrtException {
        requireFile(file);
        try (OrtSession.SessionOptions options = options(device, threads, false, CpuFallback.ALLOWED)) {
            return environment().createSession(file.toString(), options);
        }
    }

    /** Fails as {@link #open(Path, Device, int)} would when {@code file} is not there, for a session opened later. */
    public static void requireFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException(file + ": file not found (run summarizer export first)");
        }
    }

    /**
     * Sessions for {@code files}, in their order, opened side by side: creating a session is mostly single-threaded
     * work (reading the file, optimising the graph, prepacking weights), so two cores open two files at once.
     * When one fails, the others are closed and its error is thrown.
     */
    public static List<OrtSession> openAll(List<Path> files, Device device, int threads) throws OrtException {
        List<Future<OrtSession>> pending = new ArrayList<>();
        int workers = Math.max(1, Math.min(files.size(), Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(workers, runnable -> {
            Thread t = new Thread(runnable, "session-open");
            t.setDaemon(true);
            return t;
        });
        try {
            for (Path file : files) {
                pending.add(pool.submit(() -> open(file, device, threads)));
            }
        } finally {
            pool.shutdown();
        }
        // Every future is waited for, even after a failure or an interrupt, so no opened session is left unowned.
        List<OrtSession> sessions = new ArrayList<>();
        Throwable failure = null;
        for (Future<OrtSession> f : pending) {
            try {
                sessions.add(Futures.getUninterruptibly(f));
            } catch (ExecutionException e) {
                failure = failure == null ? e.getCause() : failure;
            }
        }
        if (failure != null) {
            NativeResources.closeAll(sessions.toArray(AutoCloseable[]::new));
            NativeResources.rethrow(failure, e -> "opening a session failed: " + e);
        }
        return sessions;
    }

    /** A session for a graph built in memory (the training graphs, decoding helpers). */
    public static OrtSession open(byte[] model, Device device, int threads) throws OrtException {
        try (OrtSession.SessionOptions options = options(device, threads, false, CpuFallback.ALLOWED)) {
            return environment().createSession(model, options);
        }
    }

    /**
     * A session for a training graph. ONNX Runtime's memory pattern (one block planned for all intermediate
     * tensors of a shape) made t5-small training steps 25% slower and 50% larger in peak memory (measured at
     * batch 8, 512 source and 128 target tokens), so it is off here.
     */
    public static OrtSession openForTraining(byte[] model, Device device, int threads) throws OrtException {
        return openForTraining(model, Map.of(), CpuFallback.ALLOWED, device, threads);
    }

    /**
     * {@link #openForTraining(byte[], Device, int)} for a graph whose frozen weights are initializers marked as
     * external data (see {@code SuppliedInitializers}), which {@code initializers} supplies: ONNX Runtime copies them
     * in once, when the session opens (onto the GPU for CUDA), and no run passes them again. {@code fallback} says
     * whether a CUDA session may leave nodes to the CPU provider ({@link CpuFallback#forGraph}).
     *
     * <p>With frozen weights, constant folding and prepacking are off: folding made a transposed copy of every linear
     * weight and prepacking a packed copy of each (t5-small with LoRA on q and v: the session took 350 to 800 MB more
     * and opened in 6 to 10 s instead of 2 to 4 s), where without them ONNX Runtime fuses {@code x @ W^T} into one
     * FusedMatMul over the weight as given, as it does for the inputs of full fine-tuning.
     */
    public static OrtSession openForTraining(byte[] model, Map<String, ? extends OnnxTensorLike> initializers,
            CpuFallback fallback, Device device, int threads) throws OrtException {
        try (OrtSession.SessionOptions options = options(device, threads, true, fallback)) {
            options.setMemoryPatternOptimization(false);
            if (!initializers.isEmpty()) {
                options.addExternalInitializers(new java.util.HashMap<>(initializers));
                options.addConfigEntry("optimization.disable_specified_optimizers", "ConstantFolding");
                options.addConfigEntry("session.disable_prepacking", "1");
            }
            return environment().createSession(model, options);
        }
    }

    /**
     * A session for a graph whose weight initializers are marked as external data (see
     * {@code SuppliedInitializers}), with {@code initializers} supplying them from memory. ONNX Runtime treats them as
     * constants, folding and prepacking as for an exported file, and reads the buffers only while the session is
     * created: later changes to them are not seen.
     */
    public static OrtSession openWithInitializers(byte[] model, Map<String, ? extends OnnxTensorLike> initializers,
            Device device, int threads) throws OrtException {
        try (OrtSession.SessionOptions options = options(device, threads, false, CpuFallback.ALLOWED)) {
            options.addExternalInitializers(new java.util.HashMap<>(initializers));
            return environment().createSession(model, options);
        }
    }

    /** A CPU session for a small graph built in memory. */
    public static OrtSession open(byte[] model, int threads) throws OrtException {
        return open(model, Device.CPU, threads);
    }

    /**
     * Idle intra-op threads sleep instead of spinning, except in training: spinning held both cores of a 2-core
     * machine between runs, so the server's HTTP threads and its clients waited for CPU, and a decoding step was no
     * faster with it (t5-small greedy, batch 1 and 8); a training step, thousands of small kernels, was 8% faster
     * with it (t5-small, batch 8, 512/128 tokens: 11.8 s against 12.7 s).
     */
    private static OrtSession.SessionOptions options(Device device, int threads, boolean training, CpuFallback fallback)
            throws OrtException {
        // The environment comes first: adding the CUDA provider without one fails with "Attempt to use
        // DefaultLogger but none has been registered" instead of the missing library's name.
        environment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        options.addConfigEntry("session.intra_op.allow_spinning", training ? "1" : "0");
        if (device == Device.CUDA) {
            addCuda(options);
            if (fallback == CpuFallback.DISABLED) {
                options.addConfigEntry(CpuFallback.DISABLE_OPTION, "1");
            }
        }
        return options;
    }

    private static void addCuda(OrtSession.SessionOptions options) {
        try {
            options.addCUDA(0);
        } catch (OrtException | UnsatisfiedLinkError | IllegalArgumentException e) {
            options.close();
            List<String> missing = CudaLibraries.missing(System.getenv("LD_LIBRARY_PATH"));
            throw new DeviceUnavailableException("--device cuda: ONNX Runtime's CUDA provider is not available ("
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + "); it needs the onnxruntime_gpu build, "
                    + "an NVIDIA driver, CUDA 12 and cuDNN 9 on the library path"
                    + (missing.isEmpty() ? "" : " (not found: " + String.join(", ", missing) + ")"));
        }
    }
}

package dev.summarizer.runtime;

/** Where ONNX Runtime runs a session: its CPU kernels, or CUDA (CUDA 12 and cuDNN 9 with onnxruntime_gpu). */
public enum Device {
    CPU,
    CUDA;

    /** Parses {@code cpu} or {@code cuda}; null for anything else. */
    public static Device parse(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "cpu" -> CPU;
            case "cuda", "gpu" -> CUDA;
            default -> null;
        };
    }
}

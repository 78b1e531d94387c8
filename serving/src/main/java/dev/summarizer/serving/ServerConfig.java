package dev.summarizer.serving;

import dev.summarizer.export.ModelDtype;
import dev.summarizer.generate.OnnxSeq2SeqModel;
import dev.summarizer.runtime.Device;
import java.nio.file.Path;
import java.util.List;

/**
 * How the server runs.
 *
 * @param maxBatchSize texts decoded together at most
 * @param maxWaitMillis how long a batch waits for more requests before it starts
 * @param queueCapacity requests waiting at most; more are refused with 503
 * @param requestTimeoutMillis a request not answered by then gets 504
 * @param maxBodyBytes larger request bodies get 413
 * @param maxInputTokens input tokens kept per text (EOS included)
 * @param rejectLongInputs longer texts get 422 instead of being truncated
 * @param maxTexts texts per request at most
 * @param apiKey null for no authentication
 * @param corsOrigins origins allowed to call the API from a browser; empty for none
 * @param dtype which of the model's weight files to run on
 */
public record ServerConfig(
        Path model,
        String host,
        int port,
        Device device,
        int threads,
        OnnxSeq2SeqModel.DecoderMode decoderMode,
        int maxBatchSize,
        long maxWaitMillis,
        int queueCapacity,
        long requestTimeoutMillis,
        long maxBodyBytes,
        int maxInputTokens,
        boolean rejectLongInputs,
        int maxTexts,
        int maxNewTokensLimit,
        int maxBeams,
        String apiKey,
        List<String> corsOrigins,
        long shutdownTimeoutMillis,
        ModelDtype dtype) {

    /** A server on the model's float32 files. */
    public ServerConfig(Path model, String host, int port, Device device, int threads,
            OnnxSeq2SeqModel.DecoderMode decoderMode, int maxBatchSize, long maxWaitMillis, int queueCapacity,
            long requestTimeoutMillis, long maxBodyBytes, int maxInputTokens, boolean rejectLongInputs, int maxTexts,
            int maxNewTokensLimit, int maxBeams, String apiKey, List<String> corsOrigins, long shutdownTimeoutMillis) {
        this(model, host, port, device, threads, decoderMode, maxBatchSize, maxWaitMillis, queueCapacity,
                requestTimeoutMillis, maxBodyBytes, maxInputTokens, rejectLongInputs, maxTexts, maxNewTokensLimit, maxBeams,
                apiKey, corsOrigins, shutdownTimeoutMillis, ModelDtype.FP32);
    }
}

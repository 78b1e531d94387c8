package dev.summarizer.serving;

import dev.summarizer.export.ModelDtype;
import dev.summarizer.generate.OnnxSeq2SeqModel;
import dev.summarizer.runtime.Device;
import java.nio.file.Path;
import java.util.List;

/**
 * How the server runs.
 *
 * @param maxBatchSize texts decoded together at most (static batching), or decoder rows, texts x beams (continuous)
 * @param maxWaitMillis how long a batch waits for more requests before it starts
 * @param queueCapacity requests waiting at most; more are refused with 503
 * @param requestTimeoutMillis a request not answered by then gets 504
 * @param maxBodyBytes larger request bodies get 413
 * @param maxInputTokens input tokens kept per text (EOS included)
 * @param rejectLongInputs longer texts get 422 instead of being truncated
 * @param maxTexts texts per request at most
 * @param maxRequestTokens texts x beams x max_new_tokens a request may ask for at most
 * @param apiKey null for no authentication
 * @param corsOrigins origins allowed to call the API from a browser; empty for none
 * @param batching static batches, or texts joining and leaving the running batch at every step
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
        long maxRequestTokens,
        int maxNewTokensLimit,
        int maxBeams,
        String apiKey,
        List<String> corsOrigins,
        long shutdownTimeoutMillis,
        Batching batching,
        ModelDtype dtype) {

    /** A server with static batching on the model's float32 files. */
    public ServerConfig(Path model, String host, int port, Device device, int threads,
            OnnxSeq2SeqModel.DecoderMode decoderMode, int maxBatchSize, long maxWaitMillis, int queueCapacity,
            long requestTimeoutMillis, long maxBodyBytes, int maxInputTokens, boolean rejectLongInputs, int maxTexts,
            long maxRequestTokens, int maxNewTokensLimit, int maxBeams, String apiKey, List<String> corsOrigins,
            long shutdownTimeoutMillis) {
        this(model, host, port, device, threads, decoderMode, maxBatchSize, maxWaitMillis, queueCapacity,
                requestTimeoutMillis, maxBodyBytes, maxInputTokens, rejectLongInputs, maxTexts, maxRequestTokens,
                maxNewTokensLimit, maxBeams, apiKey, corsOrigins, shutdownTimeoutMillis, Batching.STATIC, ModelDtype.FP32);
    }

    public ServerConfig withBatching(Batching mode) {
        return new ServerConfig(model, host, port, device, threads, decoderMode, maxBatchSize, maxWaitMillis, queueCapacity,
                requestTimeoutMillis, maxBodyBytes, maxInputTokens, rejectLongInputs, maxTexts, maxRequestTokens,
                maxNewTokensLimit, maxBeams, apiKey, corsOrigins, shutdownTimeoutMillis, mode, dtype);
    }
}

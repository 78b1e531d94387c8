package dev.summarizer.generate;

import ai.onnxruntime.OrtException;
import dev.summarizer.export.ModelDtype;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.T5Config;
import dev.summarizer.model.TokenizerFiles;
import dev.summarizer.runtime.Device;
import dev.summarizer.runtime.Futures;
import dev.summarizer.runtime.NativeResources;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Texts in, summaries out: a tokenizer, the model's ONNX sessions, and greedy or beam search over them with
 * Hugging Face {@code generate()} semantics. Every path that summarizes (the summarize and evaluate commands, the
 * trainer's evaluation, the server) goes through here. Work comes in two steps so that callers can do the first
 * where it belongs: {@link #prepare} checks and tokenizes one text (the server does it on the request's thread),
 * {@link #summarize(List, DecodingSettings, DecodingObserver)} decodes prepared inputs together. Safe to share
 * between threads; owns its tokenizer and model and closes them.
 */
public final class Summarizer implements AutoCloseable {
    private final T5Config config;
    private final ModelTokenizer tokenizer;
    private final OnnxSeq2SeqModel model;
    private final GenerationSettings defaults;

    /** Takes ownership of {@code tokenizer} and {@code model}. */
    public Summarizer(ModelTokenizer tokenizer, OnnxSeq2SeqModel model, GenerationSettings defaults) {
        this.config = model.config();
        this.tokenizer = tokenizer;
        this.model = model;
        this.defaults = defaults;
    }

    /**
     * Opens an exported model folder's files of {@code dtype}. The tokenizer loads on a thread of its own while the
     * sessions are created (half a second of a one-off summary's start).
     *
     * @param threads ONNX Runtime's intra-op threads; 0 for every core
     */
    public static Summarizer open(ModelFolder folder, Device device, int threads, OnnxSeq2SeqModel.DecoderMode mode,
            ModelDtype dtype) throws OrtException {
        return open(folder, device, threads, mode, dtype, OnnxSeq2SeqModel.DecoderLoading.AT_OPEN);
    }

    /**
     * As {@link #open(ModelFolder, Device, int, OnnxSeq2SeqModel.DecoderMode, ModelDtype)}, with the decoder files'
     * sessions opening at {@code loading}.
     */
    public static Summarizer open(ModelFolder folder, Device device, int threads, OnnxSeq2SeqModel.DecoderMode mode,
            ModelDtype dtype, OnnxSeq2SeqModel.DecoderLoading loading) throws OrtException {
        T5Config config = folder.readConfig();
        GenerationSettings defaults = GenerationDefaults.of(folder, config);
        FutureTask<ModelTokenizer> tokenizerLoading =
                new FutureTask<>(() -> ModelTokenizer.open(folder.file(TokenizerFiles.TOKENIZER_JSON)));
        Thread.ofPlatform().name("tokenizer-open").daemon().start(tokenizerLoading);
        try (NativeResources opened = new NativeResources()) {
            OnnxSeq2SeqModel model = null;
            Throwable failure = null;
            try {
                model = opened.add(OnnxSeq2SeqModel.open(folder.dir(), config, device, threads, mode, dtype, loading));
            } catch (OrtException | RuntimeException | Error e) {
                failure = e;
            }
            // Waited for even when the model failed, so that the tokenizer is closed with the rest.
            ModelTokenizer tokenizer = null;
            try {
                tokenizer = opened.add(await(tokenizerLoading));
            } catch (RuntimeException | Error e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
            NativeResources.rethrow(failure, e -> "opening the summarizer failed: " + e);
            Summarizer summarizer = new Summarizer(tokenizer, model, defaults);
            opened.handOver();
            return summarizer;
        }
    }

    /** The task's result; its unchecked failure rethrown as it was, waiting through interrupts. */
    private static <T> T await(FutureTask<T> task) {
        try {
            return Futures.getUninterruptibly(task);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Opens an exported model folder's float32 files. */
    public static Summarizer open(ModelFolder folder, Device device, int threads, OnnxSeq2SeqModel.DecoderMode mode)
            throws OrtException {
        return open(folder, device, threads, mode, ModelDtype.FP32);
    }

    public static Summarizer open(ModelFolder folder, Device device) throws OrtException {
        return open(folder, device, 0, OnnxSeq2SeqModel.DecoderMode.SEPARATE, ModelDtype.FP32);
    }

    /** The model's defaults: generation_config.json, then task_specific_params.summarization. */
    public GenerationSettings defaults() {
        return defaults;
    }

    public T5Config config() {
        return config;
    }

    public ModelTokenizer tokenizer() {
        return tokenizer;
    }

    public OnnxSeq2SeqModel model() {
        return model;
    }

    /**
     * Checks {@code text} ({@link TextValidation}), formats it with {@code source}'s prefix and tokenizes it, truncated
     * to {@code source}'s maximum length.
     *
     * @throws InvalidTextException when the text is empty or not clean Unicode text
     */
    public EncoderInput prepare(String text, SourceSettings source) {
        TextValidation.check(text);
        return tokenizer.encode(source.format(text), source.maxSourceLength());
    }

    /** Summarizes {@code texts} together, as one batch. */
    public List<Summary> summarize(List<String> texts, GenerationSettings settings) throws OrtException {
        List<EncoderInput> inputs = new ArrayList<>();
        for (String text : texts) {
            inputs.add(prepare(text, settings.source()));
        }
        return summarize(inputs, settings.decoding(), DecodingObserver.NONE);
    }

    /** Decodes prepared inputs together, with an observer that may stream or cancel the decoding. */
    public List<Summary> summarize(List<EncoderInput> inputs, DecodingSettings decoding, DecodingObserver observer)
            throws OrtException {
        long[][] ids = generate(TokenizedBatch.of(inputs, config.padTokenId()), decoding, observer);
        List<Summary> out = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            out.add(summary(inputs.get(i), ids[i]));
        }
        return out;
    }

    /** The summary of {@code input} whose generated ids are {@code ids}, however they were decoded. */
    public Summary summary(EncoderInput input, long[] ids) {
        return new Summary(tokenizer.decode(ids), ids, input.tokenCount(), input.truncated());
    }

    /** Generated ids per input of a batch (after the decoder start, up to and including EOS). */
    public long[][] generate(TokenizedBatch batch, DecodingSettings decoding, DecodingObserver observer) throws OrtException {
        SpecialTokens special = SpecialTokens.of(config);
        try (TokenScorer scorer = model.startDecoding(batch.inputIds(), batch.attentionMask(), decoding.numBeams())) {
            if (decoding.numBeams() > 1) {
                return BeamSearch.run(scorer, batch.size(), decoding, special, observer);
            }
            PromptLookup lookup = decoding.promptLookupNumTokens() > 0
                    ? new PromptLookup(batch.inputIds(), batch.attentionMask(), decoding.promptLookupNumTokens())
                    : null;
            return GreedySearch.run(scorer, batch.size(), decoding, special, observer, lookup);
        }
    }

    @Override
    public void close() throws OrtException {
        NativeResources.closeAll(tokenizer, model);
    }
}

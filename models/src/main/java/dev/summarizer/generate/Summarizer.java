package dev.summarizer.generate;

import ai.onnxruntime.OrtException;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.T5Config;
import dev.summarizer.model.TokenizerFiles;
import dev.summarizer.runtime.Device;
import java.util.ArrayList;
import java.util.List;

/**
 * Texts in, summaries out: the model folder's tokenizer, its exported ONNX encoder and decoder, and greedy or
 * beam search over them with Hugging Face {@code generate()} semantics. Safe to share between threads.
 */
public final class Summarizer implements AutoCloseable {
    private final ModelFolder folder;
    private final T5Config config;
    private final ModelTokenizer tokenizer;
    private final OnnxSeq2SeqModel model;
    private final GenerationSettings defaults;

    private Summarizer(ModelFolder folder, T5Config config, ModelTokenizer tokenizer, OnnxSeq2SeqModel model,
            GenerationSettings defaults) {
        this.folder = folder;
        this.config = config;
        this.tokenizer = tokenizer;
        this.model = model;
        this.defaults = defaults;
    }

    /**
     * Opens an exported model folder.
     *
     * @param threads ONNX Runtime's intra-op threads; 0 for every core
     */
    public static Summarizer open(ModelFolder folder, Device device, int threads, OnnxSeq2SeqModel.DecoderMode mode)
            throws OrtException {
        T5Config config = folder.readConfig();
        GenerationSettings defaults = GenerationDefaults.of(folder, config);
        ModelTokenizer tokenizer = ModelTokenizer.open(folder.file(TokenizerFiles.TOKENIZER_JSON));
        try {
            return new Summarizer(folder, config, tokenizer, OnnxSeq2SeqModel.open(folder.dir(), config, device, threads, mode),
                    defaults);
        } catch (OrtException | RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    public static Summarizer open(ModelFolder folder, Device device) throws OrtException {
        return open(folder, device, 0, OnnxSeq2SeqModel.DecoderMode.SEPARATE);
    }

    /** The model's defaults: generation_config.json, then task_specific_params.summarization. */
    public GenerationSettings defaults() {
        return defaults;
    }

    public ModelFolder folder() {
        return folder;
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

    /** Summarizes {@code texts} together, as one batch; every text must pass {@link TextValidation}. */
    public List<Summary> summarize(List<String> texts, GenerationSettings settings) throws Exception {
        return summarize(texts, settings, DecodingObserver.NONE);
    }

    /** {@link #summarize(List, GenerationSettings)} with an observer that may stream or cancel the decoding. */
    public List<Summary> summarize(List<String> texts, GenerationSettings settings, DecodingObserver observer) throws Exception {
        List<String> prefixed = new ArrayList<>();
        for (String text : texts) {
            TextValidation.check(text);
            prefixed.add(settings.prefix() + text);
        }
        TokenizedBatch batch = tokenizer.encodeBatch(prefixed, settings.maxSourceLength(), config.padTokenId());
        long[][] ids = generate(model, batch, settings, observer);
        List<Summary> out = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            out.add(new Summary(tokenizer.decode(ids[i]), ids[i], batch.tokenCounts()[i], batch.truncated()[i]));
        }
        return out;
    }

    /** Generated ids per input of an already tokenized batch (after the decoder start, up to and including EOS). */
    public long[][] generate(TokenizedBatch batch, GenerationSettings settings) throws Exception {
        return generate(model, batch, settings);
    }

    /** {@link #generate(TokenizedBatch, GenerationSettings)} with any model's sessions (e.g. built in memory). */
    public static long[][] generate(OnnxSeq2SeqModel model, TokenizedBatch batch, GenerationSettings settings) throws Exception {
        return generate(model, batch, settings, DecodingObserver.NONE);
    }

    public static long[][] generate(OnnxSeq2SeqModel model, TokenizedBatch batch, GenerationSettings settings,
            DecodingObserver observer) throws Exception {
        SpecialTokens special = SpecialTokens.of(model.config());
        int copies = settings.numBeams();
        try (TokenScorer scorer = model.startDecoding(batch.inputIds(), batch.attentionMask(), copies)) {
            return copies == 1
                    ? GreedySearch.run(scorer, batch.size(), settings, special, observer)
                    : BeamSearch.run(scorer, batch.size(), settings, special, observer);
        }
    }

    @Override
    public void close() throws OrtException {
        tokenizer.close();
        model.close();
    }
}

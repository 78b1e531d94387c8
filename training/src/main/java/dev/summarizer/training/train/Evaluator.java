package dev.summarizer.training.train;

import ai.onnxruntime.OrtException;
import dev.summarizer.generate.DecodingSettings;
import dev.summarizer.generate.EarlyStopping;
import dev.summarizer.generate.GenerationSettings;
import dev.summarizer.generate.ModelTokenizer;
import dev.summarizer.generate.OnnxSeq2SeqModel;
import dev.summarizer.generate.Summarizer;
import dev.summarizer.generate.Summary;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.TokenizerFiles;
import dev.summarizer.runtime.NativeResources;
import dev.summarizer.training.data.SummarizationExample;
import dev.summarizer.training.rouge.RougeMeans;
import dev.summarizer.training.rouge.RougeScorer;
import dev.summarizer.training.session.TrainingSession;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training run's evaluation: the eval model's loss over the validation set, and ROUGE of summaries generated for
 * the first validation examples. The summaries come from a {@link Summarizer} whose decoder graphs take the weights
 * as inputs, fed from the training session's live parameter buffers: built once when the run starts, they see every
 * update without being rebuilt or copied.
 */
final class Evaluator implements AutoCloseable {
    /** The validation examples as read and as tokenized for the loss. */
    record Data(List<SummarizationExample> examples, List<TokenizedExample> tokenized) {}

    private final TrainingSession session;
    private final Data data;
    private final int batchSize;
    private final int padTokenId;
    private final int generationSamples;
    private final Summarizer summarizer;
    private final GenerationSettings generation;

    private Evaluator(TrainingSession session, Data data, TrainingArguments args, int padTokenId, Summarizer summarizer) {
        this.session = session;
        this.data = data;
        this.batchSize = args.evaluation().perDeviceEvalBatchSize();
        this.padTokenId = padTokenId;
        this.generationSamples = args.evaluation().predictWithGenerate()
                ? Math.min(args.evaluation().generationEvalSamples(), data.examples().size()) : 0;
        this.summarizer = summarizer;
        this.generation = generation(args);
    }

    /** {@code generation_max_length} new tokens with {@code generation_num_beams}, on sources prepared as in training. */
    private static GenerationSettings generation(TrainingArguments args) {
        return new GenerationSettings(args.data().source(), new DecodingSettings(args.evaluation().generationMaxLength(), 0,
                args.evaluation().generationNumBeams(), 1.0, EarlyStopping.FALSE, 0));
    }

    /** An evaluator over {@code session}'s parameters; ROUGE needs the tokenizer of {@code source}. */
    static Evaluator open(TrainingSession session, ModelFolder source, Data data, TrainingArguments args, int padTokenId)
            throws OrtException {
        if (!args.evaluation().predictWithGenerate() || args.evaluation().generationEvalSamples() == 0) {
            return new Evaluator(session, data, args, padTokenId, null);
        }
        try (NativeResources opened = new NativeResources()) {
            ModelTokenizer tokenizer = opened.add(ModelTokenizer.open(source.file(TokenizerFiles.TOKENIZER_JSON)));
            OnnxSeq2SeqModel model = opened.add(OnnxSeq2SeqModel.overLiveParameters(session.config(), session.layout(),
                    session.liveParameters(), args.device(), args.threads()));
            Summarizer summarizer = opened.add(new Summarizer(tokenizer, model, generation(args)));
            Evaluator evaluator = new Evaluator(session, data, args, padTokenId, summarizer);
            opened.handOver();
            return evaluator;
        }
    }

    /** {@code eval_loss}, then {@code eval_rouge1}, ... when generation is on, in a map for the metrics row. */
    Map<String, Double> evaluate() throws OrtException {
        Map<String, Double> metrics = new LinkedHashMap<>();
        List<TokenizedExample> tokenized = data.tokenized();
        double weighted = 0;
        for (int start = 0; start < tokenized.size(); start += batchSize) {
            int[] indices = new int[Math.min(batchSize, tokenized.size() - start)];
            for (int i = 0; i < indices.length; i++) {
                indices[i] = start + i;
            }
            weighted += session.evalStep(Collator.collate(tokenized, indices, padTokenId)) * indices.length;
        }
        metrics.put("eval_loss", weighted / tokenized.size());
        if (generationSamples > 0) {
            metrics.putAll(rouge());
        }
        return metrics;
    }

    private Map<String, Double> rouge() throws OrtException {
        session.refreshLiveParameters();
        summarizer.model().refreshWeights();
        List<String> predictions = new ArrayList<>();
        List<List<String>> references = new ArrayList<>();
        long generatedTokens = 0;
        for (int start = 0; start < generationSamples; start += batchSize) {
            List<SummarizationExample> batch = data.examples().subList(start, Math.min(generationSamples, start + batchSize));
            List<Summary> summaries = summarizer.summarize(batch.stream().map(SummarizationExample::text).toList(), generation);
            for (int i = 0; i < summaries.size(); i++) {
                predictions.add(summaries.get(i).text());
                references.add(batch.get(i).references());
                generatedTokens += summaries.get(i).tokenIds().length;
            }
        }
        RougeMeans means = new RougeScorer(true, true).corpus(predictions, references);
        Map<String, Double> metrics = new LinkedHashMap<>();
        means.byName().forEach((name, value) -> metrics.put("eval_" + name, value));
        metrics.put("eval_gen_len", (double) generatedTokens / predictions.size());
        return metrics;
    }

    @Override
    public void close() throws OrtException {
        NativeResources.closeAll(summarizer);
    }
}

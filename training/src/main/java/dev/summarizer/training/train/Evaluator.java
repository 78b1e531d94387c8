package dev.summarizer.training.train;

import dev.summarizer.generate.GenerationSettings;
import dev.summarizer.generate.ModelTokenizer;
import dev.summarizer.generate.OnnxSeq2SeqModel;
import dev.summarizer.generate.Summarizer;
import dev.summarizer.generate.TokenizedBatch;
import dev.summarizer.model.T5Weights;
import dev.summarizer.runtime.Device;
import dev.summarizer.training.data.SummarizationExample;
import dev.summarizer.training.rouge.RougeMeans;
import dev.summarizer.training.rouge.RougeScorer;
import dev.summarizer.training.session.TrainingSession;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training run's evaluation: the eval model's loss over the validation set, and ROUGE of summaries generated
 * (with the current weights, in memory) for the first validation examples.
 */
final class Evaluator {
    private final List<SummarizationExample> examples;
    private final List<TokenizedExample> tokenized;
    private final int batchSize;
    private final int padTokenId;
    private final ModelTokenizer tokenizer;
    private final GenerationSettings generation;
    private final int generationSamples;
    private final Device device;
    private final int threads;

    Evaluator(List<SummarizationExample> examples, List<TokenizedExample> tokenized, int batchSize, int padTokenId,
            ModelTokenizer tokenizer, GenerationSettings generation, int generationSamples, Device device, int threads) {
        this.examples = examples;
        this.tokenized = tokenized;
        this.batchSize = batchSize;
        this.padTokenId = padTokenId;
        this.tokenizer = tokenizer;
        this.generation = generation;
        this.generationSamples = Math.min(generationSamples, examples.size());
        this.device = device;
        this.threads = threads;
    }

    /** {@code eval_loss}, then {@code eval_rouge1}, ... when generation is on, in a map for the metrics row. */
    Map<String, Double> evaluate(TrainingSession session) throws Exception {
        Map<String, Double> metrics = new LinkedHashMap<>();
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
            metrics.putAll(rouge(session.weights()));
        }
        return metrics;
    }

    private Map<String, Double> rouge(T5Weights weights) throws Exception {
        List<String> predictions = new ArrayList<>();
        List<List<String>> references = new ArrayList<>();
        long generatedTokens = 0;
        try (OnnxSeq2SeqModel model = OnnxSeq2SeqModel.fromWeights(weights, device, threads)) {
            for (int start = 0; start < generationSamples; start += batchSize) {
                List<String> sources = new ArrayList<>();
                for (int i = start; i < Math.min(generationSamples, start + batchSize); i++) {
                    sources.add(generation.prefix() + examples.get(i).text());
                    references.add(examples.get(i).references());
                }
                TokenizedBatch batch = tokenizer.encodeBatch(sources, generation.maxSourceLength(), padTokenId);
                for (long[] ids : Summarizer.generate(model, batch, generation)) {
                    predictions.add(tokenizer.decode(ids));
                    generatedTokens += ids.length;
                }
            }
        }
        RougeMeans means = new RougeScorer(true, true).corpus(predictions, references);
        Map<String, Double> metrics = new LinkedHashMap<>();
        means.byName().forEach((name, value) -> metrics.put("eval_" + name, value));
        metrics.put("eval_gen_len", (double) generatedTokens / predictions.size());
        return metrics;
    }
}

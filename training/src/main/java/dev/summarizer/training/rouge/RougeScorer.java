package dev.summarizer.training.rouge;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * ROUGE-1, ROUGE-2, ROUGE-L and ROUGE-Lsum as Google's rouge_score computes them ({@code RougeScorer.score}
 * and {@code score_multi}). {@code new RougeScorer(true, true)} is what Hugging Face's summarization examples
 * report: stemmed tokens, and one sentence per line for ROUGE-Lsum.
 *
 * @param useStemmer     Porter-stem tokens longer than 3 characters (rouge_score's {@code use_stemmer})
 * @param splitSentences before ROUGE-Lsum, break each line into sentences with {@link SentenceSplitter};
 *                       otherwise the lines of the text are its sentences, as rouge_score assumes
 */
public record RougeScorer(boolean useStemmer, boolean splitSentences) {
    /** Scores one prediction against one reference. */
    public RougeScores score(String reference, String prediction) {
        RougeTokenizer tokenizer = new RougeTokenizer(useStemmer);
        List<String> referenceTokens = tokenizer.tokenize(reference);
        List<String> predictionTokens = tokenizer.tokenize(prediction);
        return new RougeScores(
                NGramOverlap.score(referenceTokens, predictionTokens, 1),
                NGramOverlap.score(referenceTokens, predictionTokens, 2),
                rougeL(referenceTokens, predictionTokens),
                SummaryLevelLcs.score(sentenceTokens(reference, tokenizer), sentenceTokens(prediction, tokenizer)));
    }

    /** For each ROUGE type separately, the score against the reference with the highest F (the first on ties). */
    public RougeScores scoreMulti(List<String> references, String prediction) {
        if (references.isEmpty()) {
            throw new IllegalArgumentException("no references to score against");
        }
        List<RougeScores> each = new ArrayList<>();
        for (String reference : references) {
            each.add(score(reference, prediction));
        }
        return new RougeScores(best(each, RougeScores::rouge1), best(each, RougeScores::rouge2),
                best(each, RougeScores::rougeL), best(each, RougeScores::rougeLsum));
    }

    /** Mean F-measures of {@code predictions.get(i)} scored against {@code references.get(i)}. */
    public RougeMeans corpus(List<String> predictions, List<List<String>> references) {
        if (predictions.size() != references.size()) {
            throw new IllegalArgumentException(predictions.size() + " predictions but " + references.size() + " references");
        }
        List<RougeScores> scores = new ArrayList<>();
        for (int i = 0; i < predictions.size(); i++) {
            scores.add(scoreMulti(references.get(i), predictions.get(i)));
        }
        return RougeMeans.of(scores);
    }

    private static Score rougeL(List<String> reference, List<String> prediction) {
        if (reference.isEmpty() || prediction.isEmpty()) {
            return Score.ZERO;
        }
        double lcs = LongestCommonSubsequence.length(reference, prediction);
        return Score.of(lcs / prediction.size(), lcs / reference.size());
    }

    private List<List<String>> sentenceTokens(String text, RougeTokenizer tokenizer) {
        List<String> sentences = splitSentences ? SentenceSplitter.split(text) : lines(text);
        return sentences.stream().map(tokenizer::tokenize).toList();
    }

    /** rouge_score's sentences: the text split on "\n", without the empty lines. */
    private static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (!line.isEmpty()) {
                lines.add(line);
            }
        }
        return lines;
    }

    private static Score best(List<RougeScores> each, Function<RougeScores, Score> type) {
        Score best = type.apply(each.get(0));
        for (RougeScores s : each.subList(1, each.size())) {
            if (type.apply(s).fmeasure() > best.fmeasure()) {
                best = type.apply(s);
            }
        }
        return best;
    }
}

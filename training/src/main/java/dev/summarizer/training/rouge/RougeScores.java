package dev.summarizer.training.rouge;

import java.util.LinkedHashMap;
import java.util.Map;

/** The four ROUGE scores of one prediction against its reference(s). */
public record RougeScores(Score rouge1, Score rouge2, Score rougeL, Score rougeLsum) {
    /** Keyed by rouge_score's names: rouge1, rouge2, rougeL, rougeLsum. */
    public Map<String, Score> byName() {
        Map<String, Score> named = new LinkedHashMap<>();
        named.put("rouge1", rouge1);
        named.put("rouge2", rouge2);
        named.put("rougeL", rougeL);
        named.put("rougeLsum", rougeLsum);
        return named;
    }
}

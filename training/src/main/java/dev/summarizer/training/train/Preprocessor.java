package dev.summarizer.training.train;

import dev.summarizer.generate.ModelTokenizer;
import dev.summarizer.training.data.SummarizationExample;
import java.util.ArrayList;
import java.util.List;

/**
 * Preprocessing as transformers' summarization example does it: the source prefix before every text, both
 * sides tokenized with their special tokens and truncated (to {@code max_source_length} and
 * {@code max_target_length}), no padding yet (batches pad dynamically).
 */
public final class Preprocessor {
    private final ModelTokenizer tokenizer;
    private final String prefix;
    private final int maxSourceLength;
    private final int maxTargetLength;

    public Preprocessor(ModelTokenizer tokenizer, String prefix, int maxSourceLength, int maxTargetLength) {
        this.tokenizer = tokenizer;
        this.prefix = prefix;
        this.maxSourceLength = maxSourceLength;
        this.maxTargetLength = maxTargetLength;
    }

    /** What tokenizing a dataset gave, and how many sources and targets were cut. */
    public record Result(List<TokenizedExample> examples, int truncatedSources, int truncatedTargets) {}

    public Result tokenize(List<SummarizationExample> examples) {
        List<TokenizedExample> out = new ArrayList<>(examples.size());
        int cutSources = 0;
        int cutTargets = 0;
        for (SummarizationExample e : examples) {
            ModelTokenizer.Encoded source = tokenizer.encode(prefix + e.text(), maxSourceLength);
            ModelTokenizer.Encoded target = tokenizer.encode(e.summary(), maxTargetLength);
            cutSources += source.truncated() ? 1 : 0;
            cutTargets += target.truncated() ? 1 : 0;
            out.add(new TokenizedExample(toInts(source.ids()), toInts(target.ids())));
        }
        return new Result(out, cutSources, cutTargets);
    }

    private static int[] toInts(long[] ids) {
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }
}

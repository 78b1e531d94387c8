package dev.summarizer.training.train;

import dev.summarizer.generate.EncoderInput;
import dev.summarizer.generate.ModelTokenizer;
import dev.summarizer.generate.SourceSettings;
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
    private final SourceSettings source;
    private final int maxTargetLength;

    public Preprocessor(ModelTokenizer tokenizer, SourceSettings source, int maxTargetLength) {
        this.tokenizer = tokenizer;
        this.source = source;
        this.maxTargetLength = maxTargetLength;
    }

    /** What tokenizing a dataset gave, and how many sources and targets were cut. */
    public record Result(List<TokenizedExample> examples, int truncatedSources, int truncatedTargets) {}

    public Result tokenize(List<SummarizationExample> examples) {
        List<TokenizedExample> out = new ArrayList<>(examples.size());
        int cutSources = 0;
        int cutTargets = 0;
        for (SummarizationExample e : examples) {
            EncoderInput text = tokenizer.encode(source.format(e.text()), source.maxSourceLength());
            EncoderInput target = tokenizer.encode(e.summary(), maxTargetLength);
            cutSources += text.truncated() ? 1 : 0;
            cutTargets += target.truncated() ? 1 : 0;
            out.add(new TokenizedExample(toInts(text.ids()), toInts(target.ids())));
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

package dev.summarizer.serving;

import dev.summarizer.generate.DecodingObserver;
import dev.summarizer.generate.ModelTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Turns a greedy decoding's tokens into text pieces for server-sent events. Each step decodes the whole summary
 * so far and hands on what was added since the last piece, so pieces join into exactly the final summary
 * (decoding joins sub-word tokens and cleans up spaces, which a token-by-token decode would get wrong). The
 * decoding runs on the batching thread; the HTTP handler takes the pieces.
 */
final class StreamingObserver implements DecodingObserver {
    private final ModelTokenizer tokenizer;
    private final LinkedBlockingQueue<String> pieces = new LinkedBlockingQueue<>();
    private final List<Long> tokens = new ArrayList<>();
    private String sent = "";
    private boolean ended;
    private volatile boolean cancelled;

    StreamingObserver(ModelTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    @Override
    public void onStep(long[] stepTokens, boolean[] finished) {
        if (ended) {
            return;
        }
        tokens.add(stepTokens[0]);
        ended = finished[0];
        long[] ids = tokens.stream().mapToLong(Long::longValue).toArray();
        String text = tokenizer.decode(ids);
        // Later tokens can change how earlier ones decode (spaces before punctuation); send only what extends
        // what was sent, and let the final event carry the summary as it is.
        if (text.startsWith(sent) && text.length() > sent.length()) {
            pieces.add(text.substring(sent.length()));
            sent = text;
        }
    }

    @Override
    public boolean cancelled() {
        return cancelled;
    }

    void cancel() {
        cancelled = true;
    }

    /** The next piece, or null after {@code millis} without one. */
    String nextPiece(long millis) throws InterruptedException {
        return pieces.poll(millis, TimeUnit.MILLISECONDS);
    }

    boolean hasPieces() {
        return !pieces.isEmpty();
    }
}

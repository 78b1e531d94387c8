package dev.summarizer.generate;

import java.nio.FloatBuffer;

/**
 * Next-token logits of every row, {@code [rows][vocab]}, in a buffer the decoder writes into directly (no copy
 * per step). Valid until the next decoder step.
 */
public final class Logits {
    private final FloatBuffer data;
    private final int rows;
    private final int vocab;

    Logits(FloatBuffer data, int rows, int vocab) {
        this.data = data;
        this.rows = rows;
        this.vocab = vocab;
    }

    public int rows() {
        return rows;
    }

    public int vocab() {
        return vocab;
    }

    public float get(int row, int token) {
        return data.get(row * vocab + token);
    }

    /** Forbids {@code token} for {@code row}: its logit becomes minus infinity. */
    void ban(int row, int token) {
        data.put(row * vocab + token, Float.NEGATIVE_INFINITY);
    }

    /** The first token with the highest logit, as torch.argmax picks it. */
    public int argmax(int row) {
        int base = row * vocab;
        int best = 0;
        float bestValue = data.get(base);
        for (int i = 1; i < vocab; i++) {
            float v = data.get(base + i);
            if (v > bestValue) {
                bestValue = v;
                best = i;
            }
        }
        return best;
    }
}

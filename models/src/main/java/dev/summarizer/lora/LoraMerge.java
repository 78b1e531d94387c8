package dev.summarizer.lora;

import dev.summarizer.model.FloatTensor;
import dev.summarizer.model.T5Weights;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PEFT's {@code merge_and_unload()}: each adapted weight becomes {@code W + (B @ A) * alpha / r}, in float32 and in
 * that order (the product, then the scaling, then the sum), so the merged model computes what the adapted one does
 * without the adapter.
 */
public final class LoraMerge {
    private LoraMerge() {}

    /** The base weights with the adapter merged in; the base is not changed. */
    public static T5Weights merged(T5Weights base, LoraAdapter adapter) {
        Map<String, FloatTensor> tensors = new LinkedHashMap<>(base.tensors());
        float scaling = (float) adapter.config().scaling();
        for (String module : adapter.modules()) {
            String name = LoraTargets.weight(module);
            FloatTensor w = base.tensor(name);
            float[] out = new float[w.size()];
            merge(FloatBuffer.wrap(w.data()), FloatBuffer.wrap(adapter.a(module).data()),
                    FloatBuffer.wrap(adapter.b(module).data()), scaling, w.shape()[0], w.shape()[1], adapter.config().r(),
                    FloatBuffer.wrap(out));
            tensors.put(name, new FloatTensor(w.shape().clone(), out));
        }
        return new T5Weights(base.config(), tensors);
    }

    /**
     * {@code merged = w + (b @ a) * scaling} for {@code w [rows, columns]}, {@code a [r, columns]}, {@code b [rows, r]},
     * all read and written from position 0 ({@code merged} may be another buffer or a copy's).
     */
    public static void merge(FloatBuffer w, FloatBuffer a, FloatBuffer b, float scaling, long rows, long columns, int r,
            FloatBuffer merged) {
        int cols = Math.toIntExact(columns);
        float[] aRows = new float[r * cols];
        a.get(0, aRows);
        float[] bRow = new float[r];
        float[] wRow = new float[cols];
        float[] outRow = new float[cols];
        for (int o = 0; o < rows; o++) {
            b.get(o * r, bRow);
            w.get(o * cols, wRow);
            for (int i = 0; i < cols; i++) {
                float delta = 0;
                for (int k = 0; k < r; k++) {
                    delta += bRow[k] * aRows[k * cols + i];
                }
                outRow[i] = wRow[i] + delta * scaling;
            }
            merged.put(o * cols, outRow);
        }
    }
}

package dev.summarizer.generate;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import dev.summarizer.model.T5Config;
import dev.summarizer.runtime.NativeResources;
import dev.summarizer.runtime.Sessions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The cross-attention side of a continuous batch: every row's encoder keys and values, {@code [rows, heads, encoder,
 * d_kv]} per layer, padded to the longest text in the batch, and the encoder mask {@code [rows, encoder]} that hides
 * the padding. Laid out anew when rows leave or join; a row that kept its place and the padded length keeps its
 * data, so a join at the end of the batch copies only the new rows. Buffers grow and are reused: padding slots hold
 * whatever an earlier row left there, always finite, and the mask keeps them out.
 */
final class CrossAttentionRows implements AutoCloseable {
    /** One text's share: its cross keys and values (see {@link RowwiseDecoder#crossKeyValues}) over {@code rows} rows. */
    record Text(float[][] keyValues, int length, int firstRow, int rows) {}

    private final int caches;
    private final int heads;
    private final int dKv;
    private FloatBuffer[] buffers;
    private long capacity;
    /** What each row holds now (the text's key-value arrays), for the padded length {@link #paddedLength}. */
    private Object[] rowTexts = new Object[0];
    private int paddedLength;
    private final List<OnnxTensor> tensors = new ArrayList<>();
    private OnnxTensor mask;

    CrossAttentionRows(T5Config config) {
        this.caches = 2 * config.numDecoderLayers();
        this.heads = config.numHeads();
        this.dKv = config.dKv();
    }

    /** Lays the batch out for {@code texts}, which cover rows 0 to {@code rows - 1} in order. */
    void layOut(List<Text> texts, int rows) throws OrtException {
        int length = 1;
        for (Text t : texts) {
            length = Math.max(length, t.length());
        }
        long needed = (long) rows * heads * length * dKv;
        if (needed > capacity) {
            capacity = Math.max(needed, 2 * capacity);
            buffers = new FloatBuffer[caches];
            for (int c = 0; c < caches; c++) {
                buffers[c] = ByteBuffer.allocateDirect(Math.toIntExact(4 * capacity)).order(ByteOrder.nativeOrder()).asFloatBuffer();
            }
            rowTexts = new Object[0];
        }
        boolean samePadding = length == paddedLength;
        Object[] holders = new Object[rows];
        long[] maskValues = new long[rows * length];
        for (Text t : texts) {
            for (int j = 0; j < t.rows(); j++) {
                int row = t.firstRow() + j;
                holders[row] = t.keyValues();
                Arrays.fill(maskValues, row * length, row * length + t.length(), 1);
                if (samePadding && row < rowTexts.length && rowTexts[row] == t.keyValues()) {
                    continue;
                }
                for (int c = 0; c < caches; c++) {
                    float[] source = t.keyValues()[c];
                    FloatBuffer target = buffers[c];
                    for (int h = 0; h < heads; h++) {
                        target.put(((row * heads + h) * length) * dKv, source, h * t.length() * dKv, t.length() * dKv);
                    }
                }
            }
        }
        rowTexts = holders;
        paddedLength = length;
        closeTensors();
        long[] shape = {rows, heads, length, dKv};
        for (int c = 0; c < caches; c++) {
            tensors.add(OnnxTensor.createTensor(Sessions.environment(), buffers[c].slice(0, Math.toIntExact(needed)), shape));
        }
        mask = OnnxTensor.createTensor(Sessions.environment(), LongBuffer.wrap(maskValues), new long[] {rows, length});
    }

    /** Cache {@code c}: layer {@code c / 2}'s keys (even) or values (odd). Valid until the next {@link #layOut}. */
    OnnxTensor cache(int c) {
        return tensors.get(c);
    }

    OnnxTensor mask() {
        return mask;
    }

    /** Forgets what the rows hold, so the next lay-out writes every row. */
    void reset() throws OrtException {
        rowTexts = new Object[0];
        paddedLength = 0;
        closeTensors();
    }

    private void closeTensors() throws OrtException {
        List<AutoCloseable> all = new ArrayList<>(tensors);
        all.add(mask);
        tensors.clear();
        mask = null;
        NativeResources.closeAll(all.toArray(AutoCloseable[]::new));
    }

    @Override
    public void close() throws OrtException {
        closeTensors();
    }
}

package dev.summarizer.training.session;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import dev.summarizer.runtime.Sessions;
import dev.summarizer.training.artifacts.ArtifactNames;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;

/** A batch's three int64 tensors (ids, attention mask, labels), fed alongside the parameters. */
final class BatchTensors implements AutoCloseable {
    private final OnnxTensor inputIds;
    private final OnnxTensor attentionMask;
    private final OnnxTensor labels;

    BatchTensors(Batch batch) throws OrtException {
        OnnxTensor ids = longs(batch.inputIds());
        OnnxTensor mask = null;
        try {
            mask = longs(batch.attentionMask());
            labels = longs(batch.labels());
        } catch (OrtException | RuntimeException e) {
            ids.close();
            if (mask != null) {
                mask.close();
            }
            throw e;
        }
        inputIds = ids;
        attentionMask = mask;
    }

    /** {@code parameters} and the batch, as a run's inputs. */
    Map<String, OnnxTensor> with(Map<String, OnnxTensor> parameters) {
        Map<String, OnnxTensor> all = new HashMap<>(parameters);
        all.put(ArtifactNames.INPUT_IDS, inputIds);
        all.put(ArtifactNames.ATTENTION_MASK, attentionMask);
        all.put(ArtifactNames.LABELS, labels);
        return all;
    }

    private static OnnxTensor longs(long[][] rows) throws OrtException {
        int width = rows[0].length;
        long[] flat = new long[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * width, width);
        }
        return OnnxTensor.createTensor(Sessions.environment(), LongBuffer.wrap(flat), new long[] {rows.length, width});
    }

    @Override
    public void close() {
        inputIds.close();
        attentionMask.close();
        labels.close();
    }
}

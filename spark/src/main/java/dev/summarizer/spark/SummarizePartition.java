package dev.summarizer.spark;

import ai.onnxruntime.OrtException;
import dev.summarizer.SummarizerException;
import dev.summarizer.generate.DecodingObserver;
import dev.summarizer.generate.EncoderInput;
import dev.summarizer.generate.GenerationSettings;
import dev.summarizer.generate.Summarizer;
import dev.summarizer.generate.Summary;
import dev.summarizer.generate.TextValidation;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.util.TaskCompletionListener;

/**
 * One partition's rows, summarized in batches on the executor's shared model as Spark pulls them: each batch's valid
 * texts are decoded together, a row whose text cannot be summarized (empty, control characters, broken Unicode)
 * comes out with its {@code error} instead, and the rows keep their order.
 */
final class SummarizePartition implements MapPartitionsFunction<Row, Row> {
    private final ModelLocation location;
    private final SummarizationOptions options;
    private final int textIndex;
    private final int corruptRecordIndex;
    private final SummarizationMetrics metrics;

    /** @param corruptRecordIndex the column where Spark's readers keep lines they could not parse, or -1 */
    SummarizePartition(ModelLocation location, SummarizationOptions options, int textIndex, int corruptRecordIndex,
            SummarizationMetrics metrics) {
        this.location = location;
        this.options = options;
        this.textIndex = textIndex;
        this.corruptRecordIndex = corruptRecordIndex;
        this.metrics = metrics;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) throws OrtException {
        ExecutorModels.Lease lease = ExecutorModels.acquire(location.onExecutor(), options.device(), options.threads(),
                options.decoder());
        TaskContext task = TaskContext.get();
        if (task != null) {
            task.addTaskCompletionListener(new TaskCompletionListener() {
                @Override
                public void onTaskCompletion(TaskContext context) {
                    try {
                        lease.close();
                    } catch (OrtException e) {
                        throw new SummarizerException("closing a stale model failed: " + e.getMessage(), e);
                    }
                }
            });
        }
        if (lease.loadedNow()) {
            metrics.countLoad(lease.loadNanos());
        }
        Summarizer summarizer = lease.summarizer();
        return new SummarizedRows(rows, summarizer, options.generation().applyTo(summarizer.defaults()));
    }

    private final class SummarizedRows implements Iterator<Row> {
        private final Iterator<Row> input;
        private final Summarizer summarizer;
        private final GenerationSettings settings;
        private final ArrayDeque<Row> ready = new ArrayDeque<>();

        SummarizedRows(Iterator<Row> input, Summarizer summarizer, GenerationSettings settings) {
            this.input = input;
            this.summarizer = summarizer;
            this.settings = settings;
        }

        @Override
        public boolean hasNext() {
            if (ready.isEmpty() && input.hasNext()) {
                summarizeNextBatch();
            }
            return !ready.isEmpty();
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.poll();
        }

        private void summarizeNextBatch() {
            List<Row> batch = new ArrayList<>();
            while (batch.size() < options.batchSize() && input.hasNext()) {
                batch.add(input.next());
            }
            String[] problems = new String[batch.size()];
            List<EncoderInput> prepared = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                Row row = batch.get(i);
                String text = row.isNullAt(textIndex) ? null : row.getString(textIndex);
                problems[i] = corruptRecordIndex >= 0 && !row.isNullAt(corruptRecordIndex)
                        ? OutputColumns.unreadable(row.getString(corruptRecordIndex))
                        : TextValidation.problem(text);
                if (problems[i] == null) {
                    prepared.add(summarizer.prepare(text, settings.source()));
                }
            }
            List<Summary> summaries;
            try {
                summaries = prepared.isEmpty() ? List.of()
                        : summarizer.summarize(prepared, settings.decoding(), DecodingObserver.NONE);
            } catch (OrtException e) {
                throw new SummarizerException("ONNX Runtime failed while summarizing: " + e.getMessage(), e);
            }
            Iterator<Summary> next = summaries.iterator();
            for (int i = 0; i < batch.size(); i++) {
                if (problems[i] != null) {
                    ready.add(OutputColumns.failed(batch.get(i), problems[i]));
                    metrics.countRow(true, false);
                } else {
                    Summary summary = next.next();
                    ready.add(OutputColumns.summarized(batch.get(i), summary));
                    metrics.countRow(false, summary.truncated());
                }
            }
        }
    }
}

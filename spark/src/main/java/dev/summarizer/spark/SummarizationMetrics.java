package dev.summarizer.spark;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * Counts a summarization job keeps in Spark accumulators: rows, rows with an error, truncated inputs, and each model
 * load on an executor with how long it took. Like every accumulator updated inside a transformation, a retried task
 * counts twice; read them after the one action that ran the job.
 */
public final class SummarizationMetrics implements Serializable {
    private final LongAccumulator rows;
    private final LongAccumulator errors;
    private final LongAccumulator truncated;
    private final CollectionAccumulator<Long> loadMillis;

    private SummarizationMetrics(SparkContext spark) {
        rows = spark.longAccumulator("summarized rows");
        errors = spark.longAccumulator("rows with an error");
        truncated = spark.longAccumulator("truncated inputs");
        loadMillis = spark.collectionAccumulator("model load milliseconds");
    }

    public static SummarizationMetrics register(SparkContext spark) {
        return new SummarizationMetrics(spark);
    }

    public long rows() {
        return rows.value();
    }

    public long errors() {
        return errors.value();
    }

    public long truncated() {
        return truncated.value();
    }

    /** How long each load of the model took, one entry per executor JVM that loaded it for this job. */
    public List<Long> modelLoadMillis() {
        return List.copyOf(loadMillis.value());
    }

    void countRow(boolean failed, boolean wasTruncated) {
        rows.add(1);
        if (failed) {
            errors.add(1);
        }
        if (wasTruncated) {
            truncated.add(1);
        }
    }

    void countLoad(long nanos) {
        loadMillis.add(nanos / 1_000_000);
    }
}

package dev.summarizer.spark;

import dev.summarizer.generate.GenerationSettings;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Summarization as a Spark transformation: every row of a {@code Dataset<Row>} keeps its columns and gains a summary
 * of its text column, with {@code token_ids}, {@code input_tokens}, {@code truncated} and {@code error}
 * ({@link OutputColumns}). The model folder is checked on the driver when this is called (a missing one fails here,
 * before any task), each executor JVM loads it once and shares it across its tasks, and rows are decoded in batches
 * within each partition. Each row gets the ids {@code Summarizer.summarize} gives it on one machine, whatever the
 * partitioning.
 *
 * <pre>{@code
 * Dataset<Row> summaries = Summarization.summarize(dialogues, "dialogue", "summary",
 *         SummarizationOptions.forModel("hdfs:///models/samsum").withBatchSize(16));
 * }</pre>
 */
public final class Summarization {
    private Summarization() {}

    /**
     * Checks, without Spark, what can be checked before a session starts: a model folder given as a plain path must
     * hold an exported model, and the generation settings must be in range for it. A URI is checked when
     * {@link #summarize} is called.
     *
     * @throws dev.summarizer.model.ModelFormatException when the folder or one of its files is missing
     * @throws dev.summarizer.generate.InvalidSettingException when a setting is out of range
     */
    public static void checkModel(SummarizationOptions options) {
        GenerationSettings defaults = ModelLocation.of(options.model()).checkInPlace(options.decoder());
        if (defaults != null) {
            options.generation().applyTo(defaults);
        }
    }

    public static Dataset<Row> summarize(Dataset<Row> rows, String textColumn, String summaryColumn,
            SummarizationOptions options) {
        return summarize(rows, textColumn, summaryColumn, options,
                SummarizationMetrics.register(rows.sparkSession().sparkContext()));
    }

    /**
     * As {@link #summarize(Dataset, String, String, SummarizationOptions)}, counting rows, errors and model loads in
     * {@code metrics}.
     *
     * @throws dev.summarizer.model.ModelFormatException when the model folder or one of its files is missing
     * @throws dev.summarizer.generate.InvalidSettingException when a generation setting is out of range for the model
     * @throws ColumnException when the text column is missing or not text, or an output column exists already
     */
    public static Dataset<Row> summarize(Dataset<Row> rows, String textColumn, String summaryColumn,
            SummarizationOptions options, SummarizationMetrics metrics) {
        SparkSession spark = rows.sparkSession();
        StructType input = rows.schema();
        int textIndex = OutputColumns.textIndex(input, textColumn);
        StructType output = OutputColumns.schema(input, summaryColumn);
        ModelLocation location = ModelLocation.of(options.model());
        GenerationSettings defaults = location.prepare(spark, options.decoder());
        options.generation().applyTo(defaults); // a setting out of range fails here, not in every task
        SummarizationOptions resolved = options.threads() > 0 ? options
                : options.withThreads(spark.sparkContext().getConf().getInt("spark.task.cpus", 1));
        return rows.mapPartitions(new SummarizePartition(location, resolved, textIndex,
                OutputColumns.corruptRecordIndex(input), metrics), Encoders.row(output));
    }
}

package dev.summarizer.spark.commands;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.summarizer.Json;
import dev.summarizer.SummarizerException;
import dev.summarizer.cli.GenerationFlags;
import dev.summarizer.cli.UsageException;
import dev.summarizer.cli.UserException;
import dev.summarizer.generate.InvalidSettingException;
import dev.summarizer.model.StagingDirectory;
import dev.summarizer.spark.Summarization;
import dev.summarizer.spark.SummarizationMetrics;
import dev.summarizer.spark.SummarizationOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/** What spark-summarize does once its command line is read: session, input, the summarization, staged output. */
final class SparkSummarizeJob {
    private static final String POSITION = "__summarizer_position";

    private SparkSummarizeJob() {}

    /** The command line, read. Null {@code format}, {@code master}, {@code partitions}, {@code report}: not given. */
    record Request(SummarizationOptions options, String input, String output, String format, String master,
            String textColumn, String outputColumn, Integer partitions, Path report, boolean overwrite) {}

    static int run(Request r) throws Exception {
        try {
            Summarization.checkModel(r.options()); // a missing folder fails before Spark starts
        } catch (InvalidSettingException e) {
            throw GenerationFlags.usageError(e);
        }
        DataFormat outputFormat = r.format() != null ? DataFormat.parse(r.format()) : DataFormat.ofName(r.output());
        if (outputFormat == null) {
            throw new UsageException("--output: the name " + r.output() + " does not say its format (.parquet, .json,"
                    + " .jsonl or .csv); give --format");
        }
        boolean ownSession = SparkSession.getActiveSession().isEmpty() && SparkSession.getDefaultSession().isEmpty();
        SparkSession spark = session(r.master());
        try {
            return summarize(spark, r, outputFormat);
        } catch (Exception e) {
            throw oneLine(e);
        } finally {
            if (ownSession) {
                spark.stop();
            }
        }
    }

    private static int summarize(SparkSession spark, Request r, DataFormat outputFormat) throws IOException {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        org.apache.hadoop.fs.Path inputPath = new org.apache.hadoop.fs.Path(r.input());
        FileSystem inputFs = inputPath.getFileSystem(hadoop);
        if (!inputFs.exists(inputPath)) {
            throw new UserException(r.input() + ": file not found");
        }
        DataFormat inputFormat = r.format() != null ? DataFormat.parse(r.format()) : DataFormat.ofInput(inputFs, inputPath);
        if (inputFormat == null) {
            throw new UsageException("--input: cannot tell the format of " + r.input() + "; give --format");
        }
        try (StagedOutput staged = StagedOutput.beside(r.output(), hadoop, r.overwrite())) {
            Dataset<Row> rows = inputFormat.read(spark, r.input());
            int given = rows.rdd().getNumPartitions();
            int partitions = r.partitions() != null ? r.partitions()
                    : Math.max(given, spark.sparkContext().defaultParallelism());
            if (partitions != given) {
                rows = spread(rows, partitions);
            }
            SummarizationMetrics metrics = SummarizationMetrics.register(spark.sparkContext());
            Dataset<Row> summarized;
            try {
                summarized = Summarization.summarize(rows, r.textColumn(), r.outputColumn(), r.options(), metrics);
            } catch (InvalidSettingException e) {
                throw GenerationFlags.usageError(e);
            }
            long start = System.nanoTime();
            outputFormat.write(summarized, staged.path());
            staged.commit();
            double seconds = (System.nanoTime() - start) / 1e9;
            List<Long> loads = metrics.modelLoadMillis();
            System.err.printf(Locale.ROOT, "wrote %d rows to %s in %.1f s (%.2f rows/s; %d with an error, %d inputs"
                            + " truncated); model loads: %d %s%n", metrics.rows(), r.output(), seconds,
                    metrics.rows() / seconds, metrics.errors(), metrics.truncated(), loads.size(),
                    loads.isEmpty() ? "(it was open already)" : "(ms: " + loads + ")");
            if (r.report() != null) {
                writeReport(r, spark, partitions, metrics, seconds);
            }
            return 0;
        }
    }

    /**
     * {@code partitions} range partitions over the rows' positions, so that part files follow the input's order
     * (a plain repartition would deal rows out round-robin).
     */
    private static Dataset<Row> spread(Dataset<Row> rows, int partitions) {
        return rows.withColumn(POSITION, functions.monotonically_increasing_id())
                .repartitionByRange(partitions, functions.col(POSITION))
                .sortWithinPartitions(POSITION)
                .drop(POSITION);
    }

    private static SparkSession session(String master) {
        SparkConf conf = new SparkConf(); // spark.* system properties, which spark-submit sets
        String chosen = master != null ? master : conf.get("spark.master", "local[*]");
        SparkSession.Builder builder = SparkSession.builder().appName("summarizer spark-summarize").master(chosen)
                // Executors on a cluster start with long command lines, on which ONNX Runtime 1.29 crashes unless its
                // telemetry is off; DJL probes a cloud metadata address unless tracking is opted out.
                .config("spark.executorEnv.ORT_DISABLE_TELEMETRY", conf.get("spark.executorEnv.ORT_DISABLE_TELEMETRY", "1"))
                .config("spark.executorEnv.OPT_OUT_TRACKING", conf.get("spark.executorEnv.OPT_OUT_TRACKING", "true"));
        if (chosen.startsWith("local")) {
            // One machine: no web UI (port 4040 may be taken), and the driver on the loopback address, whatever the
            // host name resolves to.
            builder.config("spark.ui.enabled", conf.get("spark.ui.enabled", "false"))
                    .config("spark.driver.host", conf.get("spark.driver.host", "127.0.0.1"))
                    .config("spark.driver.bindAddress", conf.get("spark.driver.bindAddress", "127.0.0.1"));
        }
        return builder.getOrCreate();
    }

    private static void writeReport(Request r, SparkSession spark, int partitions, SummarizationMetrics metrics,
            double seconds) throws IOException {
        ObjectNode report = Json.MAPPER.createObjectNode();
        report.put("input", r.input());
        report.put("output", r.output());
        report.put("master", spark.sparkContext().master());
        report.put("default_parallelism", spark.sparkContext().defaultParallelism());
        report.put("partitions", partitions);
        report.put("batch_size", r.options().batchSize());
        report.put("rows", metrics.rows());
        report.put("errors", metrics.errors());
        report.put("truncated", metrics.truncated());
        report.put("seconds", seconds);
        report.put("rows_per_second", metrics.rows() / seconds);
        var loads = report.putArray("model_load_ms");
        metrics.modelLoadMillis().forEach(loads::add);
        StagingDirectory.writeAtomically(r.report().toAbsolutePath(),
                (Json.MAPPER.writeValueAsString(report) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Spark's failures as the one line the command line prints: ours as they are, Spark's first line otherwise. */
    private static Exception oneLine(Exception e) {
        if (e instanceof SummarizerException || e instanceof UsageException) {
            return e;
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof SummarizerException s) {
                return s;
            }
        }
        if (e instanceof AnalysisException || e instanceof SparkException) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            String message = String.valueOf(root.getMessage()).lines().findFirst().orElse("").strip();
            return new UserException((e instanceof SparkException ? "the Spark job failed: " : "") + message);
        }
        return e;
    }
}

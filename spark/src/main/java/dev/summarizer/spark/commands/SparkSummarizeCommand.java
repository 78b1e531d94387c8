package dev.summarizer.spark.commands;

import dev.summarizer.cli.Command;
import dev.summarizer.cli.GenerationFlags;
import dev.summarizer.cli.Options;
import dev.summarizer.cli.ParsedArgs;
import dev.summarizer.cli.UsageException;
import dev.summarizer.generate.GenerationOverrides;
import dev.summarizer.spark.SummarizationOptions;

/**
 * {@code spark-summarize}: a table of texts (Parquet, JSON Lines or CSV) in, the same table with summaries out, as a
 * Spark job. This class only reads the command line: it is loaded with every command, where Spark may not be on the
 * class path, and leaves everything that touches Spark to {@link SparkSummarizeJob}.
 */
public final class SparkSummarizeCommand implements Command {
    @Override
    public String name() {
        return "spark-summarize";
    }

    @Override
    public String summary() {
        return "summarize a table of texts (Parquet, JSON Lines, CSV) as a Spark job";
    }

    @Override
    public Options options() {
        return GenerationFlags.addTo(new Options()
                .option("model", "DIR|URI", "an exported folder: a path every executor reads, or a URI (hdfs://, s3a://,"
                        + " file://) Spark copies to each executor")
                .option("input", "PATH", "a Parquet, JSON Lines or CSV file, or a folder of part files")
                .option("output", "PATH", "the output folder (Spark writes part files), in the format its name says")
                .option("format", "parquet|json|csv", "for an input or output whose name does not say it")
                .option("master", "URL", "the Spark master (default: what spark-submit set, else local[*])")
                .option("text-column", "C", "the column to summarize", "text")
                .option("output-column", "C", "the column the summary goes to", "summary")
                .option("batch-size", "N", "rows decoded together", String.valueOf(SummarizationOptions.DEFAULT_BATCH_SIZE))
                .option("partitions", "N", "split the input into N partitions, in order (default: one per core if fewer)")
                .option("report", "FILE", "write the job's counts and timings as JSON")
                .flag("overwrite", "replace an existing --output, once the new one is complete"))
                // Every flag of summarize, with one difference: tasks run side by side on an executor's cores.
                .option("threads", "N", "ONNX Runtime threads per task; 0 is spark.task.cpus", "0")
                .note("The output keeps every input column and adds the summary, token_ids (the generated ids after\n"
                        + "the decoder start token, up to and including EOS), input_tokens, truncated and error. A row\n"
                        + "whose text is empty or not clean text, or that could not be parsed, gets its error and nulls;\n"
                        + "the job goes on. CSV holds token_ids as JSON text. Defaults for generation come from the model\n"
                        + "folder, as for summarize.\n\n"
                        + "examples:\n"
                        + "  summarizer spark-summarize --model out/final --input dialogues.jsonl --output summaries.parquet\n"
                        + "  summarizer spark-summarize --model hdfs:///models/samsum --input hdfs:///chats/2026 \\\n"
                        + "      --format parquet --output hdfs:///chats/2026-summaries --text-column dialogue --num-beams 4");
    }

    @Override
    public int run(ParsedArgs args) throws Exception {
        String model = args.required("model");
        GenerationOverrides overrides = GenerationFlags.overrides(args);
        SummarizationOptions options = new SummarizationOptions(model, overrides,
                args.intValue("batch-size", 1, 4096), args.intValue("threads", 0, 4096),
                GenerationFlags.device(args), GenerationFlags.decoderMode(args));
        String input = args.required("input");
        String output = args.required("output");
        if (input.equals(output)) {
            throw new UsageException("--output must not be the --input");
        }
        return SparkSummarizeJob.run(new SparkSummarizeJob.Request(options, input, output, args.string("format"),
                args.string("master"), args.required("text-column"), args.required("output-column"),
                args.intValue("partitions", 1, 1_000_000), args.path("report"), args.flag("overwrite")));
    }
}

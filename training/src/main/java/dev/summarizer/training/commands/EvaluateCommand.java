package dev.summarizer.training.commands;

import dev.summarizer.Json;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.summarizer.cli.Command;
import dev.summarizer.cli.GenerationFlags;
import dev.summarizer.cli.JsonLines;
import dev.summarizer.cli.Options;
import dev.summarizer.cli.ParsedArgs;
import dev.summarizer.Progress;
import dev.summarizer.cli.UserException;
import dev.summarizer.export.ExportedModel;
import dev.summarizer.generate.GenerationSettings;
import dev.summarizer.generate.InvalidSettingException;
import dev.summarizer.generate.Summarizer;
import dev.summarizer.generate.Summary;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.training.data.ColumnRequest;
import dev.summarizer.training.data.Dataset;
import dev.summarizer.training.data.SummarizationExample;
import dev.summarizer.training.rouge.RougeMeans;
import dev.summarizer.training.rouge.RougeScorer;
import dev.summarizer.training.session.LossSession;
import dev.summarizer.training.train.Collator;
import dev.summarizer.training.train.Preprocessor;
import dev.summarizer.training.train.TokenizedExample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code evaluate}: summarizes a dataset with an exported model and prints ROUGE against its references. */
public final class EvaluateCommand implements Command {
    @Override
    public String name() {
        return "evaluate";
    }

    @Override
    public String summary() {
        return "generate summaries for a dataset and print ROUGE (rouge1, rouge2, rougeL, rougeLsum) as JSON";
    }

    @Override
    public Options options() {
        return GenerationFlags.addTo(new Options()
                .option("model", "DIR", "an exported model folder")
                .option("data", "FILE", "the dataset (.jsonl, .json, .csv, .tsv); several reference columns count as references")
                .option("limit", "N", "evaluate only the first N examples; 0 for all", "0")
                .option("text-column", "NAME", "column of the source text (default: detected)")
                .option("summary-column", "NAME", "column of the reference summary (default: detected)")
                .option("batch-size", "N", "inputs decoded together", "8")
                .option("max-target-length", "N", "reference tokens kept for eval_loss, EOS included", "128")
                .flag("no-loss", "skip eval_loss (the teacher-forced loss needs the safetensors weights and a forward pass)")
                .option("output", "FILE", "also write each prediction and its references as JSONL"))
                .note("ROUGE is Google's rouge_score with use_stemmer=True (rougeLsum with one sentence per line),\n"
                        + "averaged over examples; with several references the best one counts.");
    }

    @Override
    public int run(ParsedArgs args) throws Exception {
        ModelFolder model = ModelFolder.open(args.requiredPath("model"));
        Dataset data = Dataset.read(args.requiredPath("data"), new ColumnRequest(args.string("text-column"), args.string("summary-column")));
        System.err.printf("data: %s (%s)%n", data.stats().describe(), data.columns().describe());
        List<SummarizationExample> examples = data.examples();
        int limit = args.intValue("limit", 0, Integer.MAX_VALUE);
        if (limit > 0 && limit < examples.size()) {
            examples = examples.subList(0, limit);
        }
        if (examples.isEmpty()) {
            throw new UserException(args.path("data") + ": no usable examples");
        }
        int batchSize = args.intValue("batch-size", 1, 4096);
        List<String> predictions = new ArrayList<>();
        List<List<String>> references = new ArrayList<>();
        List<long[]> predictionIds = new ArrayList<>();
        long tokens = 0;
        Double loss = null;
        ModelFolder runnable = ExportedModel.ensure(model, System.err::println);
        try (Summarizer summarizer = Summarizer.open(runnable, GenerationFlags.device(args), GenerationFlags.threads(args),
                GenerationFlags.decoderMode(args), GenerationFlags.dtype(args))) {
            GenerationSettings settings;
            try {
                settings = GenerationFlags.overrides(args).applyTo(summarizer.defaults());
            } catch (InvalidSettingException e) {
                throw GenerationFlags.usageError(e);
            }
            Progress progress = Progress.on(System.err);
            progress.begin("summarize", examples.size(), 0, Progress.Unit.of("texts"));
            for (int start = 0; start < examples.size(); start += batchSize) {
                List<SummarizationExample> batch = examples.subList(start, Math.min(examples.size(), start + batchSize));
                List<String> texts = batch.stream().map(SummarizationExample::text).toList();
                List<Summary> summaries;
                try {
                    summaries = summarizer.summarize(texts, settings);
                } catch (dev.summarizer.generate.InvalidTextException e) {
                    throw new UserException(batch.get(0).where() + "..: " + e.getMessage());
                }
                for (int i = 0; i < summaries.size(); i++) {
                    predictions.add(summaries.get(i).text());
                    predictionIds.add(summaries.get(i).tokenIds());
                    references.add(batch.get(i).references());
                    tokens += summaries.get(i).tokenIds().length;
                }
                progress.update(predictions.size());
            }
            progress.end();
            if (!args.flag("no-loss")) {
                loss = evalLoss(model, summarizer, settings, examples, args);
            }
        }
        RougeMeans means = new RougeScorer(true, true).corpus(predictions, references);
        ObjectNode result = Json.MAPPER.createObjectNode();
        if (loss != null) {
            result.put("eval_loss", loss);
        }
        means.byName().forEach(result::put);
        result.put("gen_len", (double) tokens / predictions.size());
        result.put("samples", predictions.size());
        Path output = args.path("output");
        if (output != null) {
            List<ObjectNode> rows = new ArrayList<>();
            for (int i = 0; i < predictions.size(); i++) {
                ObjectNode row = JsonLines.object();
                row.put("prediction", predictions.get(i));
                var ids = row.putArray("token_ids");
                for (long id : predictionIds.get(i)) {
                    ids.add(id);
                }
                var refs = row.putArray("reference");
                references.get(i).forEach(refs::add);
                rows.add(row);
            }
            JsonLines.write(output, rows);
        }
        System.out.println(result);
        return 0;
    }

    /**
     * The teacher-forced loss over the examples (the first reference of each as the labels), batch means weighted by
     * batch size, as the Trainer's evaluate() computes eval_loss.
     */
    private static double evalLoss(ModelFolder model, Summarizer summarizer, GenerationSettings settings,
            List<SummarizationExample> examples, ParsedArgs args) throws Exception {
        int batchSize = args.intValue("batch-size", 1, 4096);
        int maxTarget = args.intValue("max-target-length", 2, 100_000);
        Preprocessor preprocessor = new Preprocessor(summarizer.tokenizer(), settings.source(), maxTarget);
        List<TokenizedExample> tokenized = preprocessor.tokenize(examples).examples();
        double weighted = 0;
        try (LossSession session = LossSession.open(model.readWeights(), GenerationFlags.device(args),
                GenerationFlags.threads(args))) {
            for (int start = 0; start < tokenized.size(); start += batchSize) {
                int[] indices = java.util.stream.IntStream.range(start, Math.min(tokenized.size(), start + batchSize)).toArray();
                weighted += session.loss(Collator.collate(tokenized, indices, summarizer.config().padTokenId())) * indices.length;
            }
        }
        return weighted / tokenized.size();
    }
}

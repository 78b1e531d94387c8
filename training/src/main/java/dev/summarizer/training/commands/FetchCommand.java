package dev.summarizer.training.commands;

import dev.summarizer.Progress;
import dev.summarizer.Units;
import dev.summarizer.cli.Command;
import dev.summarizer.cli.Options;
import dev.summarizer.cli.ParsedArgs;
import dev.summarizer.cli.UsageException;
import dev.summarizer.hub.DatasetFetcher;
import dev.summarizer.hub.DatasetName;
import dev.summarizer.hub.HubHttp;
import dev.summarizer.hub.HubSettings;
import dev.summarizer.hub.HubUrls;
import dev.summarizer.hub.ModelFetcher;
import dev.summarizer.hub.RetryPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code fetch}: a model folder and/or a dataset from the Hugging Face Hub, resumable and checksummed. */
public final class FetchCommand implements Command {
    @Override
    public String name() {
        return "fetch";
    }

    @Override
    public String summary() {
        return "download a model folder and/or a dataset from the Hugging Face Hub (resumable, checksummed)";
    }

    @Override
    public Options options() {
        return new Options()
                .option("model", "NAME", "a model repository, e.g. t5-small or google/flan-t5-small: written to DIR/model")
                .option("dataset", "NAME", "samsum, dialogsum, cnn_dailymail, xsum, or a dataset repository: written to"
                        + " DIR/data/<name>/<split>.jsonl")
                .option("out", "DIR", "the folder to write into")
                .option("revision", "REV", "the model's branch, tag or commit", "main")
                .option("config", "NAME", "the dataset's config (default: its only one, \"default\", or the short"
                        + " name's, e.g. 3.0.0 for cnn_dailymail)")
                .option("split", "A,B", "the dataset's splits to fetch, comma-separated (default: all)")
                .option("limit", "N", "fetch at most N rows of each split")
                .option("endpoint", "URL", "the Hub (default: $HF_ENDPOINT, else " + HubSettings.DEFAULT_ENDPOINT + ")")
                .option("datasets-endpoint", "URL", "the dataset viewer (default: $HF_DATASETS_SERVER, else "
                        + HubSettings.DEFAULT_DATASETS_SERVER + ")")
                .flag("overwrite", "replace DIR/model when it holds other files than the model's")
                .note("""
                        DIR/model gets the files of the Hugging Face model folder that export, train and summarize
                        read: config.json, model.safetensors (or its index and shards), and generation_config.json,
                        tokenizer.json, tokenizer_config.json, special_tokens_map.json and spiece.model where the
                        repository has them. A repository with only pytorch_model.bin is refused: this project reads
                        safetensors. Datasets come through the Hub's dataset viewer, which serves the rows of any
                        dataset (parquet, CSV, scripts) as JSON: one row per line, with the row's fields as they are.

                        Interrupted downloads resume where they stopped (DIR/model.incomplete/, <split>.jsonl.incomplete);
                        every file is checked against the Hub's checksum (SHA-256 for LFS files, the git blob SHA-1
                        for others) before it is moved into place, and what is already there and matches is kept.
                        Private and gated repositories need HF_TOKEN, a Hugging Face access token.

                        Short dataset names:
                        %s
                        SAMSum's license (CC BY-NC-ND 4.0) restricts its use: non-commercial, no derivatives; read
                        its dataset card before you train on it.

                        examples:
                          summarizer fetch --model t5-small --dataset samsum --out runs/samsum
                          summarizer fetch --model google/flan-t5-small --revision main --out models/flan-t5-small
                          summarizer fetch --dataset cnn_dailymail --split validation,test --limit 1000 --out data
                          HF_ENDPOINT=https://hub.example.org summarizer fetch --model t5-small --out models/t5-small"""
                        .formatted(DatasetName.shortNames()));
    }

    @Override
    public int run(ParsedArgs args) throws Exception {
        String model = args.string("model");
        String dataset = args.string("dataset");
        if (model == null && dataset == null) {
            throw new UsageException("give --model NAME, --dataset NAME, or both (see summarizer fetch --help)");
        }
        Path out = args.requiredPath("out");
        if (model != null && !HubUrls.isRepoId(model)) {
            throw new UsageException("--model: \"" + model + "\" is not a Hub repository name (such as t5-small or"
                    + " google/flan-t5-small)");
        }
        DatasetName datasetName = dataset == null ? null : usage(() -> DatasetName.of(dataset));
        if (dataset == null) {
            for (String option : List.of("config", "split", "limit")) {
                if (args.has(option)) {
                    throw new UsageException("--" + option + " applies to --dataset, which is not given");
                }
            }
        }
        Integer limit = args.intValue("limit", 1, Integer.MAX_VALUE);
        List<String> splits = splits(args.string("split"));
        HubSettings settings = usage(() -> HubSettings.of(args.string("endpoint"), args.string("datasets-endpoint"), System.getenv()));
        HubHttp http = new HubHttp(settings, RetryPolicy.STANDARD);
        Progress progress = Progress.on(System.err);

        if (model != null) {
            ModelFetcher.Result r = new ModelFetcher(http, progress)
                    .fetch(model, args.string("revision"), out.resolve("model"), args.flag("overwrite"));
            System.out.printf(Locale.ROOT, "model %s at %s: %s (%d files, %s)%n", r.repo(), r.commit(), r.folder(), r.files(),
                    Units.bytes(r.bytes()));
        }
        if (datasetName != null) {
            DatasetFetcher.Result r = new DatasetFetcher(http, progress)
                    .fetch(datasetName, args.string("config"), splits, limit == null ? null : (long) limit, out.resolve("data"));
            List<String> counts = new ArrayList<>();
            for (Map.Entry<String, Long> e : r.rows().entrySet()) {
                counts.add(e.getKey() + " " + Units.count(e.getValue()) + " rows");
            }
            System.out.printf("dataset %s (config %s): %s (%s)%n", r.repo(), r.config(), r.folder(), String.join(", ", counts));
        }
        return 0;
    }

    private static List<String> splits(String flag) {
        if (flag == null) {
            return null;
        }
        List<String> splits = Arrays.stream(flag.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (splits.isEmpty()) {
            throw new UsageException("--split: expected split names such as train,validation, got \"" + flag + "\"");
        }
        return splits;
    }

    /** A flag value the Hub client refuses is a usage error (exit 2), like any other bad flag. */
    private static <T> T usage(java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}

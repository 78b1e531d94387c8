package dev.summarizer.training.commands;

import dev.summarizer.Json;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.summarizer.cli.Command;
import dev.summarizer.cli.JsonLines;
import dev.summarizer.cli.Options;
import dev.summarizer.cli.ParsedArgs;
import dev.summarizer.cli.UserException;
import dev.summarizer.model.Presets;
import dev.summarizer.model.StagingDirectory;
import dev.summarizer.training.demo.CorpusTokenizer;
import dev.summarizer.training.demo.DialogueCorpus;
import dev.summarizer.training.demo.DialogueCorpus.Example;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code demo-data}: the synthetic corpus, tokenizer and model shape that {@code scripts/demo.sh} trains on,
 * so that the demo needs nothing from the network.
 */
public final class DemoDataCommand implements Command {
    private static final ObjectMapper JSON = Json.MAPPER;
    /** The prefix the trainer puts before each dialogue; its words belong in the vocabulary too. */
    private static final String SOURCE_PREFIX = "summarize: ";

    @Override
    public String name() {
        return "demo-data";
    }

    @Override
    public String summary() {
        return "write a synthetic dialogue-summarization corpus, a tokenizer for it and a small T5 config (the demo's data)";
    }

    @Override
    public Options options() {
        return new Options()
                .option("out", "DIR", "the folder to create")
                .option("train", "N", "training dialogues", "8000")
                .option("validation", "N", "validation dialogues (same combinations as training)", "200")
                .option("test", "N", "held-out dialogues: pairs of people, plans and places training never has", "200")
                .option("seed", "N", "random seed of the corpus", "42")
                .flag("overwrite", "replace DIR if it exists")
                .note("Writes DIR/train.jsonl, validation.jsonl and test.jsonl ({\"dialogue\": ..., \"summary\": ...}),\n"
                        + "DIR/tokenizer/tokenizer.json (a Unigram vocabulary of the corpus words) and DIR/config.json\n"
                        + "(a 2+2-layer T5 sized to that vocabulary).\n"
                        + "example: summarizer demo-data --out data/demo && summarizer init --config data/demo/config.json \\\n"
                        + "    --tokenizer data/demo/tokenizer/tokenizer.json --out models/demo");
    }

    @Override
    public int run(ParsedArgs args) throws Exception {
        Path out = args.requiredPath("out");
        int trainSize = args.intValue("train", 1, 10_000_000);
        int validationSize = args.intValue("validation", 1, 10_000_000);
        int testSize = args.intValue("test", 1, 10_000_000);
        if (Files.exists(out) && !args.flag("overwrite")) {
            throw new UserException(out + " already exists (pass --overwrite to replace it)");
        }

        DialogueCorpus.Splits splits = new DialogueCorpus(args.longValue("seed")).generate(trainSize, validationSize, testSize);
        CorpusTokenizer tokenizer = new CorpusTokenizer();
        for (List<Example> split : List.of(splits.train(), splits.validation(), splits.test())) {
            for (Example example : split) {
                tokenizer.add(SOURCE_PREFIX + example.dialogue()).add(example.summary());
            }
        }
        try (StagingDirectory staging = StagingDirectory.forTarget(out)) {
            write(staging.resolve("train.jsonl"), splits.train());
            write(staging.resolve("validation.jsonl"), splits.validation());
            write(staging.resolve("test.jsonl"), splits.test());
            Path tokenizerFolder = Files.createDirectories(staging.resolve("tokenizer"));
            int vocabulary = tokenizer.write(tokenizerFolder);
            Files.writeString(staging.resolve("config.json"), JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(modelConfig(vocabulary)));
            staging.commit();
            System.out.printf("wrote %s: %d training, %d validation and %d held-out dialogues; %d tokens in the vocabulary%n",
                    out, trainSize, validationSize, testSize, vocabulary);
        }
        return 0;
    }

    /**
     * The tiny preset widened to d_model 128: big enough to copy names, places and times across, small
     * enough to train in minutes on two cores. The embedding is padded to a multiple of 8, like T5's.
     */
    static ObjectNode modelConfig(int vocabulary) {
        ObjectNode config = Presets.config("tiny").json().deepCopy();
        config.put("d_model", 128).put("d_kv", 32).put("num_heads", 4).put("d_ff", 512)
                .put("num_layers", 2).put("num_decoder_layers", 2)
                .put("vocab_size", (vocabulary + 7) / 8 * 8)
                .put("dropout_rate", 0.0);
        // Summaries run to about 30 tokens; transformers' default of 20 would cut them short.
        config.putObject("task_specific_params").putObject("summarization").put("prefix", SOURCE_PREFIX).put("max_length", 64);
        return config;
    }

    private static void write(Path file, List<Example> examples) throws java.io.IOException {
        List<ObjectNode> rows = examples.stream()
                .map(e -> JSON.createObjectNode().put("dialogue", e.dialogue()).put("summary", e.summary()))
                .toList();
        JsonLines.write(file, rows);
    }
}

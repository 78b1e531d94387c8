package dev.summarizer.commands;

import dev.summarizer.cli.Command;
import dev.summarizer.cli.Options;
import dev.summarizer.cli.ParsedArgs;
import dev.summarizer.cli.UserException;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.Presets;
import dev.summarizer.model.StagingDirectory;
import dev.summarizer.model.T5Config;
import dev.summarizer.model.T5Initializer;
import dev.summarizer.model.T5Weights;
import dev.summarizer.model.TokenizerFiles;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code init}: a randomly initialised model folder of a preset or a config.json's architecture. */
public final class InitCommand implements Command {
    @Override
    public String name() {
        return "init";
    }

    @Override
    public String summary() {
        return "write a randomly initialised model folder (presets: " + String.join(", ", Presets.NAMES) + ")";
    }

    @Override
    public Options options() {
        return new Options()
                .option("config", "FILE|PRESET", "a config.json, or a preset name")
                .option("out", "DIR", "the model folder to create")
                .option("seed", "N", "random seed of the initialisation", "42")
                .option("tokenizer", "FILE", "a tokenizer.json to ship with the model (default: the T5 tokenizer)")
                .flag("overwrite", "replace DIR if it exists")
                .note("example: summarizer init --config t5-small --out models/t5-small-random");
    }

    @Override
    public int run(ParsedArgs args) throws Exception {
        String configArg = args.required("config");
        Path out = args.requiredPath("out");
        long seed = args.longValue("seed");
        T5Config config = Presets.exists(configArg) ? Presets.config(configArg) : T5Config.read(Path.of(configArg));
        Path tokenizer = args.path("tokenizer");
        if (tokenizer != null) {
            int tokens = TokenizerVocabulary.size(tokenizer);
            if (tokens > config.vocabSize()) {
                throw new UserException(tokenizer + ": the tokenizer has " + tokens + " tokens but vocab_size is "
                        + config.vocabSize() + " in " + configArg);
            }
        }
        if (Files.exists(out) && !args.flag("overwrite") && !isEmptyFolder(out)) {
            throw new UserException(out + " already exists (pass --overwrite to replace it)");
        }

        long start = System.nanoTime();
        T5Weights weights = T5Initializer.initialize(config, seed);
        try (StagingDirectory staging = StagingDirectory.forTarget(out)) {
            ModelFolder.writeModel(staging.path(), weights, ModelFolder.defaultGenerationConfig(config));
            if (tokenizer != null) {
                TokenizerFiles.copy(tokenizer, staging.path());
            } else {
                TokenizerFiles.writeDefault(staging.path());
            }
            staging.commit();
        }
        System.out.printf("initialised %s: %.1fM parameters, seed %d, in %.1f s%n", out,
                weights.layout().parameterCount() / 1e6, seed, (System.nanoTime() - start) / 1e9);
        return 0;
    }

    static boolean isEmptyFolder(Path dir) throws java.io.IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }
}

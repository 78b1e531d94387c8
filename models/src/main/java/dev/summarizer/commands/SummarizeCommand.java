package dev.summarizer.commands;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.summarizer.cli.Command;
import dev.summarizer.cli.GenerationFlags;
import dev.summarizer.cli.JsonLines;
import dev.summarizer.cli.Options;
import dev.summarizer.cli.ParsedArgs;
import dev.summarizer.cli.UsageException;
import dev.summarizer.cli.UserException;
import dev.summarizer.export.ExportedModel;
import dev.summarizer.generate.GenerationSettings;
import dev.summarizer.generate.InvalidSettingException;
import dev.summarizer.generate.Summarizer;
import dev.summarizer.generate.Summary;
import dev.summarizer.generate.TextValidation;
import dev.summarizer.model.ModelFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code summarize}: one text from the command line, or a JSONL file of texts, through an exported model. */
public final class SummarizeCommand implements Command {
    @Override
    public String name() {
        return "summarize";
    }

    @Override
    public String summary() {
        return "summarize a text, or a JSONL file of {\"text\": ...} rows, with an exported model";
    }

    @Override
    public Options options() {
        return GenerationFlags.addTo(new Options()
                .positional("TEXT", "the text to summarize (or use --input)", false)
                .option("model", "DIR", "an exported model folder (see summarizer export)")
                .option("input", "FILE", "JSONL rows {\"text\": ...}")
                .option("output", "FILE", "JSONL rows {\"summary\", \"token_ids\", \"input_tokens\", \"truncated\"}")
                .option("batch-size", "N", "inputs decoded together", "8")
                .flag("resume", "continue an --output that a stopped run left: its rows are kept and their inputs skipped")
                .flag("overwrite", "replace an existing --output")
                .flag("json", "print the single TEXT's result as a JSON row instead of plain text"))
                .note("Defaults for generation come from the model's generation_config.json, then config.json's\n"
                        + "task_specific_params.summarization (including its prefix). Inputs longer than\n"
                        + "--max-source-length tokens are truncated; the output says so (\"truncated\": true).\n"
                        + "With --input, rows are read and written one batch at a time, in input order, so any file size\n"
                        + "works and a stopped run keeps what it finished; --resume continues it.\n\n"
                        + "examples:\n"
                        + "  summarizer summarize --model out/final \"Amanda: I baked cookies. Do you want some?\"\n"
                        + "  summarizer summarize --model out/final --input dialogues.jsonl --output summaries.jsonl --num-beams 4");
    }

    @Override
    public int run(ParsedArgs args) throws Exception {
        ModelFolder folder = ModelFolder.open(args.requiredPath("model"));
        String text = args.positional("TEXT");
        Path input = args.path("input");
        Path output = args.path("output");
        if ((text == null) == (input == null)) {
            throw new UsageException("give either a TEXT or --input FILE");
        }
        if (input != null && output == null) {
            throw new UsageException("--input needs --output FILE");
        }
        boolean resume = args.flag("resume");
        if (resume && input == null) {
            throw new UsageException("--resume continues an --input run");
        }
        if (input != null && !resume && !args.flag("overwrite") && Files.exists(output) && Files.size(output) > 0) {
            throw new UserException(output + " already exists (--resume continues it, --overwrite replaces it)");
        }
        if (text != null) {
            String problem = TextValidation.problem(text);
            if (problem != null) {
                throw new UserException(problem);
            }
        }
        int batchSize = args.intValue("batch-size", 1, 4096);
        folder = ExportedModel.ensure(folder, System.err::println);
        try (Summarizer summarizer = Summarizer.open(folder, GenerationFlags.device(args), GenerationFlags.threads(args),
                GenerationFlags.decoderMode(args), GenerationFlags.dtype(args))) {
            GenerationSettings settings;
            try {
                settings = GenerationFlags.overrides(args).applyTo(summarizer.defaults());
            } catch (InvalidSettingException e) {
                throw GenerationFlags.usageError(e);
            }
            if (input != null) {
                FileSummarizer.Result r = new FileSummarizer(summarizer, settings, batchSize).run(input, output, resume);
                System.err.printf("wrote %d summaries to %s%s%s%n", r.summarized(), output,
                        r.resumed() > 0 ? " after the " + r.resumed() + " already there" : "",
                        r.truncated() > 0 ? " (" + r.truncated() + " inputs truncated to " + settings.source().maxSourceLength()
                                + " tokens)" : "");
                return 0;
            }
            Summary s = summarizer.summarize(List.of(text), settings).get(0);
            if (args.flag("json")) {
                System.out.println(toJson(s, null));
            } else {
                System.out.println(s.text());
                if (s.truncated()) {
                    System.err.printf("note: the input had %d tokens and was truncated to %d (--max-source-length)%n",
                            s.inputTokens(), settings.source().maxSourceLength());
                }
            }
            return 0;
        }
    }

    /** An output row; an input row's {@code id} is carried over so results can be joined back. */
    static ObjectNode toJson(Summary s, ObjectNode inputRow) {
        ObjectNode row = JsonLines.object();
        if (inputRow != null && inputRow.has("id")) {
            row.set("id", inputRow.get("id"));
        }
        row.put("summary", s.text());
        var ids = row.putArray("token_ids");
        for (long id : s.tokenIds()) {
            ids.add(id);
        }
        row.put("input_tokens", s.inputTokens());
        row.put("truncated", s.truncated());
        return row;
    }
}

package dev.summarizer.cli;

import dev.summarizer.export.ModelDtype;
import dev.summarizer.generate.EarlyStopping;
import dev.summarizer.generate.GenerationOverrides;
import dev.summarizer.generate.InvalidSettingException;
import dev.summarizer.generate.OnnxSeq2SeqModel;
import dev.summarizer.runtime.Device;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The generation and runtime flags shared by the commands that generate (summarize, evaluate, serve). */
public final class GenerationFlags {
    private GenerationFlags() {}

    /** The decoding and source flags, then {@link #addRuntimeTo the runtime ones}. */
    public static Options addTo(Options options) {
        return addRuntimeTo(options
                .option("max-new-tokens", "N", "tokens to generate at most, EOS included (default: the model's)")
                .option("min-new-tokens", "N", "tokens before EOS may end the summary (default: the model's)")
                .option("num-beams", "N", "beam width; 1 is greedy search (default: the model's)")
                .option("length-penalty", "X", "exponent of the length dividing a beam's score (default: the model's)")
                .option("no-repeat-ngram-size", "N", "forbid repeating n-grams of this size; 0 allows all")
                .option("early-stopping", "true|false|never", "when beam search stops (default: the model's)")
                .option("prompt-lookup-num-tokens", "N",
                        "greedy only: draft up to N tokens a pass by copying from the input; same ids, fewer passes")
                .option("prefix", "TEXT", "text put before every input (default: the model's, e.g. \"summarize: \")")
                .option("source-template", "TEXT", "the input put into this text at {text}, instead of after a prefix "
                        + "(default: the model's, when it was trained with one)")
                .option("max-source-length", "N", "input tokens kept, EOS included; longer inputs are truncated", "512"));
    }

    /** Where and on which files a model runs: {@code --device}, {@code --threads}, {@code --decoder}, {@code --dtype}. */
    public static Options addRuntimeTo(Options options) {
        return options
                .option("device", "cpu|cuda", "where ONNX Runtime runs", "cpu")
                .option("threads", "N", "ONNX Runtime threads; 0 uses every core", "0")
                .option("decoder", "separate|merged", "which decoder files run the loop", "separate")
                .option(DTYPE, "fp32|q8|q4", DTYPE_HELP, "fp32");
    }

    /** {@code --dtype}: which of an exported folder's weights to run on. */
    public static final String DTYPE = "dtype";
    public static final String DTYPE_HELP = "run on the float32 files or the 8-/4-bit ones of export --quantize";

    public static GenerationOverrides overrides(ParsedArgs args) {
        EarlyStopping early = null;
        if (args.has("early-stopping")) {
            early = EarlyStopping.parse(args.string("early-stopping"));
            if (early == null) {
                throw new UsageException("--early-stopping: expected true, false or never, got \"" + args.string("early-stopping") + "\"");
            }
        }
        return new GenerationOverrides(
                args.intValue("max-new-tokens", 1, 1_000_000),
                args.intValue("min-new-tokens", 0, 1_000_000),
                args.intValue("num-beams", 1, 1_000),
                args.doubleValue("length-penalty", -1e6, 1e6),
                early,
                args.intValue("no-repeat-ngram-size", 0, 1_000_000),
                args.string("prefix"),
                args.intValue("max-source-length", 2, 1_000_000),
                unescaped(args.string("source-template")),
                args.intValue("prompt-lookup-num-tokens", 0, 1_000));
    }

    /** {@code \n} and {@code \t} as a shell passes them literally, so a template fits on one command line. */
    public static String unescaped(String text) {
        return text == null ? null : text.replace("\\n", "\n").replace("\\t", "\t");
    }

    /** A settings error in the flags' own names: {@code min_new_tokens} becomes {@code --min-new-tokens}. */
    public static UsageException usageError(InvalidSettingException e) {
        Matcher m = SETTING_NAME.matcher(e.getMessage());
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, "--" + m.group().replace('_', '-'));
        }
        m.appendTail(sb);
        return new UsageException(sb.toString());
    }

    private static final Pattern SETTING_NAME = Pattern.compile(
            "\\b(max_new_tokens|min_new_tokens|num_beams|length_penalty|no_repeat_ngram_size|early_stopping|max_source_length|source_template|prompt_lookup_num_tokens)\\b");

    public static Device device(ParsedArgs args) {
        Device device = Device.parse(args.required("device"));
        if (device == null) {
            throw new UsageException("--device: expected cpu or cuda, got \"" + args.string("device") + "\"");
        }
        return device;
    }

    public static int threads(ParsedArgs args) {
        return args.intValue("threads", 0, 4096);
    }

    public static ModelDtype dtype(ParsedArgs args) {
        ModelDtype dtype = ModelDtype.parse(args.required(DTYPE));
        if (dtype == null) {
            throw new UsageException("--dtype: expected fp32, q8 or q4, got \"" + args.string(DTYPE) + "\"");
        }
        return dtype;
    }

    public static OnnxSeq2SeqModel.DecoderMode decoderMode(ParsedArgs args) {
        return switch (args.required("decoder")) {
            case "separate" -> OnnxSeq2SeqModel.DecoderMode.SEPARATE;
            case "merged" -> OnnxSeq2SeqModel.DecoderMode.MERGED;
            default -> throw new UsageException("--decoder: expected separate or merged, got \"" + args.string("decoder") + "\"");
        };
    }
}

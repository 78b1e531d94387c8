package dev.summarizer.training.commands;

import dev.summarizer.cli.Command;
import dev.summarizer.commands.ExportCommand;
import dev.summarizer.cli.GenerationFlags;
import dev.summarizer.cli.QuantizeFlags;
import dev.summarizer.cli.Options;
import dev.summarizer.cli.ParsedArgs;
import dev.summarizer.cli.UsageException;
import dev.summarizer.generate.SourceSettings;
import dev.summarizer.training.session.LearningRateSchedule;
import dev.summarizer.lora.LoraConfig;
import dev.summarizer.training.train.LoraArguments;
import dev.summarizer.training.train.Trainer;
import dev.summarizer.training.train.Strategy;
import dev.summarizer.training.train.TrainingArguments;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import sun.misc.Signal;

/** {@code train}: fine-tunes a model folder on a dataset, with the Hugging Face Trainer's flags and semantics. */
public final class TrainCommand implements Command {
    @Override
    public String name() {
        return "train";
    }

    @Override
    public String summary() {
        return "fine-tune a model on a summarization dataset (writes checkpoints, metrics.jsonl and OUTPUT_DIR/final)";
    }

    @Override
    public Options options() {
        Options options = new Options()
                .option("model", "DIR", "the model folder to start from (see init and fetch)")
                .option("train", "FILE", "training data: .jsonl, .json, .csv or .tsv")
                .option("validation", "FILE", "validation data for eval loss and ROUGE")
                .option("output-dir", "DIR", "where checkpoints, metrics.jsonl and final/ go")
                .flag("overwrite-output-dir", "train into an existing output folder (its old checkpoints are removed)")
                .option("resume-from-checkpoint", "DIR|latest", "continue a run from one of its checkpoints")
                .option("learning-rate", "X", "AdamW's peak learning rate", "5e-5")
                .option("weight-decay", "X", "AdamW weight decay (not on layer norms or the relative attention bias)", "0")
                .option("adam-beta1", "X", "AdamW beta1", "0.9")
                .option("adam-beta2", "X", "AdamW beta2", "0.999")
                .option("adam-epsilon", "X", "AdamW epsilon", "1e-8")
                .option("max-grad-norm", "X", "clip gradients to this global L2 norm; 0 for none", "1.0")
                .option("warmup-steps", "N", "linear warmup steps (wins over --warmup-ratio)", "0")
                .option("warmup-ratio", "X", "warmup as a share of all steps", "0")
                .option("lr-scheduler-type", "linear|cosine|constant|constant_with_warmup",
                        "the learning-rate schedule (plain constant has no warmup, as in transformers)", "linear")
                .option("num-train-epochs", "X", "epochs to train (when --max-steps is not set)", "3")
                .option("max-steps", "N", "optimizer steps to train, overriding epochs", "-1")
                .option("per-device-train-batch-size", "N", "examples per micro-batch", "8")
                .option("per-device-eval-batch-size", "N", "examples per evaluation batch", "8")
                .option("gradient-accumulation-steps", "N", "micro-batches per optimizer step", "1")
                .option("eval-strategy", "no|steps|epoch",
                        "when to evaluate (default: epoch with --validation, else no; steps with --eval-steps)")
                .option("eval-steps", "N", "evaluate every N steps (--eval-strategy steps; default: --logging-steps)")
                .flag("predict-with-generate", "at each evaluation, also generate summaries and score them with ROUGE")
                .option("save-strategy", "no|steps|epoch", "when to save a checkpoint (also at the end and at new bests)",
                        "steps")
                .option("save-steps", "N", "save a checkpoint every N steps (--save-strategy steps)", "500")
                .option("max-shard-size", "SIZE", "the final model's weights in shards of at most this (e.g. 5GB)", "5GB")
                .option("save-total-limit", "N", "keep at most N checkpoints (the best is always kept); 0 keeps all", "0")
                .option("early-stopping-patience", "N", "stop after N evaluations without improvement; 0 never", "0")
                .option("metric-for-best-model", "NAME", "loss, rouge1, rouge2, rougeL or rougeLsum (eval_ prefix optional; "
                        + "ROUGE needs --predict-with-generate)", "loss")
                .option("greater-is-better", "true|false", "whether the metric improves upward (default: false for losses, "
                        + "else true)")
                .flag("load-best-model-at-end", "write the best checkpoint's weights to final/ instead of the last")
                .option("logging-strategy", "no|steps|epoch", "when to write a metrics.jsonl row", "steps")
                .option("logging-steps", "N", "a metrics.jsonl row every N steps (its loss is their mean)", "10")
                .option("report-to", "none|tensorboard", "also write TensorBoard event files under OUTPUT_DIR/runs/", "none")
                .option("seed", "N", "seed of shuffling and dropout", "42")
                .option("dropout", "X", "dropout rate (default: the config's dropout_rate)")
                .option("label-smoothing-factor", "X", "label smoothing of the loss", "0")
                .option("source-prefix", "TEXT", "put before every source text (recorded in the final config)", "summarize: ")
                .option("source-template", "TEXT", "put every source text into this at {text} instead (\\n for a line break;"
                        + " recorded in the final config)")
                .option("max-source-length", "N", "source tokens kept, EOS included", "512")
                .option("max-target-length", "N", "summary tokens kept, EOS included", "128")
                .option("text-column", "NAME", "column of the source text (default: detected, else dialogue)")
                .option("summary-column", "NAME", "column of the summary (default: detected, else summary)")
                .option("shuffle", "true|false", "shuffle the training data each epoch (false: file order)", "true")
                .flag("group-by-length", "batch examples of similar length together (less padding)")
                .option("max-train-samples", "N", "use only the first N training examples; 0 for all", "0")
                .option("max-eval-samples", "N", "use only the first N validation examples; 0 for all", "0")
                .option("generation-eval-samples", "N", "validation examples summarized for ROUGE (--predict-with-generate)",
                        "100")
                .option("generation-max-length", "N", "new tokens per generated summary (default: --max-target-length)")
                .option("generation-num-beams", "N", "beams for the evaluation summaries", "1")
                .option("device", "cpu|cuda", "where ONNX Runtime trains", "cpu")
                .option("threads", "N", "ONNX Runtime threads; 0 uses every core", "0")
                .flag("do-train", "accepted for Hugging Face scripts' command lines (train always trains)")
                .flag("do-eval", "accepted for Hugging Face scripts' command lines (needs --validation)")
                .alias("model-name-or-path", "model")
                .alias("train-file", "train")
                .alias("validation-file", "validation")
                .alias("evaluation-strategy", "eval-strategy")
                .refuse("fp16", "ONNX Runtime's CPU kernels train in float32, and mixed precision is not built for the CUDA path")
                .refuse("bf16", "ONNX Runtime's CPU kernels train in float32, and mixed precision is not built for the CUDA path")
                .refuse("gradient-checkpointing", "the training graph keeps its activations; lower "
                        + "--per-device-train-batch-size and raise --gradient-accumulation-steps to save memory")
                .refuse("optim", "the optimizer is torch's AdamW, built into the optimizer graph")
                .refuse("push-to-hub", "this tool does not upload; the final model folder loads with from_pretrained as it is")
                .refuse("do-predict", "use summarizer evaluate --model OUTPUT_DIR/final --data FILE")
                .flag("use-peft", "train a LoRA adapter (PEFT's LoraConfig, bias none) instead of every parameter")
                .option("lora-r", "N", "LoRA rank (default: " + LoraArguments.DEFAULT_R + ", or the --lora-adapter's)")
                .option("lora-alpha", "X", "LoRA alpha: the adapter's output is scaled by alpha / r (default: 16)")
                .option("lora-dropout", "X", "dropout on the adapter's input (default: 0.05)")
                .option("lora-target-modules", "LIST", "the linear layers to adapt, comma-separated: q, k, v, o, wi, wi_0, "
                        + "wi_1, wo, or all-linear (default: q,v)")
                .option("lora-adapter", "DIR", "start from this PEFT LoRA adapter folder (its rank, alpha and targets)");
        return QuantizeFlags.addTo(options)
                .note("""
                        Semantics are the Hugging Face Trainer's with torch AdamW: weight decay skips layer norms; the
                        linear schedule's first step uses lr * 0 / warmup; the loss is the mean token cross-entropy of a
                        micro-batch divided by the accumulation steps; gradients are clipped on their global L2 norm.
                        With --shuffle false --dropout 0 batches are taken in file order, so a run can be replayed by any
                        other framework step for step. Ctrl-C saves a resumable checkpoint and exits.

                        With --use-peft only a LoRA adapter trains, with PEFT's semantics (lora_A as PEFT initialises
                        it, lora_B zero); the model's weights stay frozen. Checkpoints hold the adapter and its moments;
                        OUTPUT_DIR/adapter/ is the adapter as PEFT saves it, OUTPUT_DIR/final the merged model.

                        example:
                          summarizer train --model models/t5-small --train data/samsum/train.jsonl \\
                            --validation data/samsum/validation.jsonl --output-dir runs/samsum --learning-rate 3e-4 \\
                            --num-train-epochs 3 --eval-strategy steps --eval-steps 500 --predict-with-generate \\
                            --save-total-limit 2
                          summarizer train --model models/flan-t5-base --train data/dialogsum/train.jsonl \\
                            --output-dir runs/lora --use-peft --lora-r 16 --lora-alpha 32 --learning-rate 1e-3""");
    }

    @Override
    public int run(ParsedArgs a) throws Exception {
        TrainingArguments args = parse(a);
        Trainer trainer = new Trainer(args, parseLora(a), System.err);
        // Ctrl-C (and a polite kill) stop after the current micro-batch with a resumable checkpoint; a second
        // Ctrl-C stops at once.
        Signal.handle(new Signal("INT"), signal -> stop(trainer));
        Signal.handle(new Signal("TERM"), signal -> stop(trainer));
        Trainer.Result result = trainer.run();
        if (result.interrupted()) {
            return 130;
        }
        System.out.printf("trained %d steps; final model: %s%s%n", result.steps(), result.finalModel(),
                result.bestMetric() != null
                        ? String.format(" (best %s %.4f)", args.evaluation().metricForBestModel(), result.bestMetric()) : "");
        return 0;
    }

    private static volatile boolean stopping;

    private static void stop(Trainer trainer) {
        if (stopping) {
            System.err.println("\nstopping now, without a checkpoint");
            Runtime.getRuntime().halt(130);
        }
        stopping = true;
        System.err.println("\nstopping: saving a resumable checkpoint after the current micro-batch (Ctrl-C again to quit at once)");
        trainer.requestStop();
    }

    private static final List<String> LORA_OPTIONS = List.of("lora-r", "lora-alpha", "lora-dropout", "lora-target-modules",
            "lora-adapter");

    /** The LoRA settings of a parsed command line, or null without {@code --use-peft}. */
    public static LoraArguments parseLora(ParsedArgs a) {
        if (!a.flag("use-peft")) {
            for (String option : LORA_OPTIONS) {
                if (a.has(option)) {
                    throw new UsageException("--" + option + " is for LoRA training; add --use-peft");
                }
            }
            return null;
        }
        Double alpha = a.doubleValue("lora-alpha", 0, 1e6);
        if (alpha != null && alpha == 0) {
            throw new UsageException("--lora-alpha: must be positive, got 0");
        }
        List<String> targets = null;
        if (a.has("lora-target-modules")) {
            targets = new ArrayList<>(new LinkedHashSet<>(Arrays.stream(a.string("lora-target-modules").split(","))
                    .map(String::strip).filter(t -> !t.isEmpty()).toList()));
            String unknown = LoraConfig.unknownTarget(targets);
            if (unknown != null) {
                throw new UsageException("--lora-target-modules: unknown module \"" + unknown + "\" (T5's linear layers are "
                        + String.join(", ", LoraConfig.MODULES) + "; or " + LoraConfig.ALL_LINEAR + " alone)");
            }
        }
        return new LoraArguments(a.intValue("lora-r", 1, 65_536), alpha, a.doubleValue("lora-dropout", 0, 0.99), targets,
                a.path("lora-adapter"));
    }

    /** The arguments of a parsed command line (also used by tests that drive the Trainer directly). */
    public static TrainingArguments parse(ParsedArgs a) {
        String scheduler = a.required("lr-scheduler-type");
        LearningRateSchedule.Kind kind = LearningRateSchedule.Kind.parse(scheduler);
        if (kind == null) {
            throw new UsageException("--lr-scheduler-type: expected linear, cosine, constant or constant_with_warmup, got \"" + scheduler + "\"");
        }
        Path validation = a.path("validation");
        int loggingSteps = a.intValue("logging-steps", 1, Integer.MAX_VALUE);
        // --eval-steps 0 is as if it were not given (an epoch's end), as --save-steps 0 saves only at the end and at bests.
        int evalSteps = a.has("eval-steps") ? a.intValue("eval-steps", 0, Integer.MAX_VALUE) : 0;
        Strategy evalStrategy = a.has("eval-strategy") ? strategy(a, "eval-strategy")
                : validation == null ? Strategy.NO : evalSteps > 0 ? Strategy.STEPS : Strategy.EPOCH;
        requireValidation(a, validation, evalStrategy);
        boolean generate = a.flag("predict-with-generate");
        // As the Trainer reads it: "loss" is eval_loss, "rougeL" is eval_rougeL; greater is better unless it is a loss.
        String metric = a.required("metric-for-best-model");
        metric = metric.startsWith("eval_") ? metric : "eval_" + metric;
        if (!metric.equals("eval_loss") && !generate) {
            throw new UsageException("--metric-for-best-model " + metric + " is a ROUGE score: it needs --predict-with-generate");
        }
        if (!List.of("eval_loss", "eval_rouge1", "eval_rouge2", "eval_rougeL", "eval_rougeLsum").contains(metric)) {
            throw new UsageException("--metric-for-best-model: expected loss, rouge1, rouge2, rougeL or rougeLsum, got \""
                    + a.string("metric-for-best-model") + "\"");
        }
        boolean greater = a.has("greater-is-better") ? a.bool("greater-is-better") : !metric.endsWith("loss");
        int maxTarget = a.intValue("max-target-length", 2, 100_000);
        TrainingArguments.Data data = new TrainingArguments.Data(
                a.requiredPath("train"), validation, a.string("text-column"), a.string("summary-column"),
                source(a), maxTarget,
                a.intValue("per-device-train-batch-size", 1, 65_536), a.intValue("gradient-accumulation-steps", 1, 65_536),
                a.bool("shuffle"), a.flag("group-by-length"),
                a.intValue("max-train-samples", 0, Integer.MAX_VALUE), a.intValue("max-eval-samples", 0, Integer.MAX_VALUE));
        TrainingArguments.Optimizer optimizer = new TrainingArguments.Optimizer(
                a.doubleValue("learning-rate", 0, 10), a.doubleValue("weight-decay", 0, 10),
                a.doubleValue("adam-beta1", 0, 0.999999), a.doubleValue("adam-beta2", 0, 0.999999),
                a.doubleValue("adam-epsilon", 0, 1), a.doubleValue("max-grad-norm", 0, 1e9));
        TrainingArguments.Schedule schedule = new TrainingArguments.Schedule(kind,
                a.intValue("warmup-steps", 0, Integer.MAX_VALUE), a.doubleValue("warmup-ratio", 0, 1),
                a.doubleValue("num-train-epochs", 0, 1e6), a.longValue("max-steps"));
        TrainingArguments.Evaluation evaluation = new TrainingArguments.Evaluation(evalStrategy,
                evalSteps > 0 ? evalSteps : loggingSteps,
                a.intValue("per-device-eval-batch-size", 1, 65_536),
                metric, greater, a.intValue("early-stopping-patience", 0, 1_000_000), generate,
                a.intValue("generation-eval-samples", 0, Integer.MAX_VALUE),
                a.has("generation-max-length") ? a.intValue("generation-max-length", 1, 100_000) : maxTarget,
                a.intValue("generation-num-beams", 1, 64));
        TrainingArguments.Checkpointing checkpointing = new TrainingArguments.Checkpointing(
                a.requiredPath("output-dir"), a.flag("overwrite-output-dir"), strategy(a, "save-strategy"),
                a.intValue("save-steps", 0, Integer.MAX_VALUE), a.intValue("save-total-limit", 0, 1_000_000),
                a.flag("load-best-model-at-end"), a.path("resume-from-checkpoint"), ExportCommand.maxShardSize(a),
                QuantizeFlags.specs(a));
        return new TrainingArguments(a.requiredPath("model"), data, optimizer, schedule, evaluation, checkpointing,
                strategy(a, "logging-strategy"), loggingSteps, reportTo(a), a.longValue("seed"),
                a.has("dropout") ? a.doubleValue("dropout", 0, 0.99) : null,
                a.doubleValue("label-smoothing-factor", 0, 0.99), GenerationFlags.device(a), GenerationFlags.threads(a));
    }

    /** {@code --source-template}, or {@code --source-prefix}; not both. */
    private static SourceSettings source(ParsedArgs a) {
        String template = GenerationFlags.unescaped(a.string("source-template"));
        if (template != null && !template.contains(SourceSettings.PLACEHOLDER)) {
            throw new UsageException("--source-template: must contain " + SourceSettings.PLACEHOLDER + " where the text goes");
        }
        return new SourceSettings(template != null ? "" : a.string("source-prefix"), template,
                a.intValue("max-source-length", 2, 100_000));
    }

    /** Evaluation flags without data to evaluate on are a mistake, as the Trainer says too. */
    private static void requireValidation(ParsedArgs a, Path validation, Strategy evalStrategy) {
        if (validation != null) {
            return;
        }
        for (String flag : List.of("do-eval", "predict-with-generate", "load-best-model-at-end")) {
            if (a.flag(flag)) {
                throw new UsageException("--" + flag + " needs --validation FILE");
            }
        }
        for (String option : List.of("eval-steps", "early-stopping-patience")) {
            if (a.has(option) && !a.string(option).equals("0")) {
                throw new UsageException("--" + option + " needs --validation FILE");
            }
        }
        if (evalStrategy != Strategy.NO) {
            throw new UsageException("--eval-strategy " + a.string("eval-strategy") + " needs --validation FILE");
        }
    }

    private static Strategy strategy(ParsedArgs a, String option) {
        Strategy s = Strategy.parse(a.required(option));
        if (s == null) {
            throw new UsageException("--" + option + ": expected no, steps or epoch, got \"" + a.string(option) + "\"");
        }
        return s;
    }

    private static TrainingArguments.ReportTo reportTo(ParsedArgs a) {
        return switch (a.required("report-to")) {
            case "none" -> TrainingArguments.ReportTo.NONE;
            case "tensorboard" -> TrainingArguments.ReportTo.TENSORBOARD;
            default -> throw new UsageException("--report-to: expected none or tensorboard, got \"" + a.string("report-to") + "\"");
        };
    }
}

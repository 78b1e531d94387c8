package dev.summarizer.training.commands;

import dev.summarizer.cli.Command;
import dev.summarizer.cli.GenerationFlags;
import dev.summarizer.cli.QuantizeFlags;
import dev.summarizer.cli.Options;
import dev.summarizer.cli.ParsedArgs;
import dev.summarizer.cli.UsageException;
import dev.summarizer.generate.SourceSettings;
import dev.summarizer.training.session.LearningRateSchedule;
import dev.summarizer.training.train.Trainer;
import dev.summarizer.training.train.TrainingArguments;
import java.nio.file.Path;
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
                .option("eval-steps", "N", "evaluate every N steps (default: at the end of each epoch)", "0")
                .option("save-steps", "N", "save a checkpoint every N steps; 0 for only at the end and at new bests", "500")
                .option("save-total-limit", "N", "keep at most N checkpoints (the best is always kept); 0 keeps all", "0")
                .option("early-stopping-patience", "N", "stop after N evaluations without improvement; 0 never", "0")
                .option("metric-for-best-model", "NAME", "eval_loss, eval_rouge1, eval_rouge2, eval_rougeL or eval_rougeLsum", "eval_loss")
                .option("greater-is-better", "true|false", "whether the metric improves upward (default: false for losses)")
                .flag("load-best-model-at-end", "write the best checkpoint's weights to final/ instead of the last")
                .option("logging-steps", "N", "a metrics.jsonl row every N steps (its loss is their mean)", "10")
                .option("seed", "N", "seed of shuffling and dropout", "42")
                .option("dropout", "X", "dropout rate (default: the config's dropout_rate)")
                .option("label-smoothing-factor", "X", "label smoothing of the loss", "0")
                .option("source-prefix", "TEXT", "put before every source text (recorded in the final config)", "summarize: ")
                .option("max-source-length", "N", "source tokens kept, EOS included", "512")
                .option("max-target-length", "N", "summary tokens kept, EOS included", "128")
                .option("text-column", "NAME", "column of the source text (default: detected, else dialogue)")
                .option("summary-column", "NAME", "column of the summary (default: detected, else summary)")
                .option("shuffle", "true|false", "shuffle the training data each epoch (false: file order)", "true")
                .flag("group-by-length", "batch examples of similar length together (less padding)")
                .option("max-train-samples", "N", "use only the first N training examples; 0 for all", "0")
                .option("max-eval-samples", "N", "use only the first N validation examples; 0 for all", "0")
                .option("generation-eval-samples", "N", "validation examples summarized for ROUGE at each evaluation", "100")
                .option("generation-max-length", "N", "new tokens per generated summary (default: --max-target-length)")
                .option("generation-num-beams", "N", "beams for the evaluation summaries", "1")
                .option("device", "cpu|cuda", "where ONNX Runtime trains", "cpu")
                .option("threads", "N", "ONNX Runtime threads; 0 uses every core", "0");
        return QuantizeFlags.addTo(options)
                .note("""
                        Semantics are the Hugging Face Trainer's with torch AdamW: weight decay skips layer norms; the
                        linear schedule's first step uses lr * 0 / warmup; the loss is the mean token cross-entropy of a
                        micro-batch divided by the accumulation steps; gradients are clipped on their global L2 norm.
                        With --shuffle false --dropout 0 batches are taken in file order, so a run can be replayed by any
                        other framework step for step. Ctrl-C saves a resumable checkpoint and exits.

                        example:
                          summarizer train --model models/t5-small --train data/samsum/train.jsonl \\
                            --validation data/samsum/validation.jsonl --output-dir runs/samsum \\
                            --learning-rate 3e-4 --num-train-epochs 3 --eval-steps 500 --save-total-limit 2""");
    }

    @Override
    public int run(ParsedArgs a) throws Exception {
        TrainingArguments args = parse(a);
        Trainer trainer = new Trainer(args, System.err);
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

    /** The arguments of a parsed command line (also used by tests that drive the Trainer directly). */
    public static TrainingArguments parse(ParsedArgs a) {
        String scheduler = a.required("lr-scheduler-type");
        LearningRateSchedule.Kind kind = LearningRateSchedule.Kind.parse(scheduler);
        if (kind == null) {
            throw new UsageException("--lr-scheduler-type: expected linear, cosine, constant or constant_with_warmup, got \"" + scheduler + "\"");
        }
        String metric = a.required("metric-for-best-model");
        boolean greater = a.has("greater-is-better") ? a.bool("greater-is-better") : !metric.endsWith("loss");
        int maxTarget = a.intValue("max-target-length", 2, 100_000);
        TrainingArguments.Data data = new TrainingArguments.Data(
                a.requiredPath("train"), a.path("validation"), a.string("text-column"), a.string("summary-column"),
                new SourceSettings(a.string("source-prefix"), a.intValue("max-source-length", 2, 100_000)), maxTarget,
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
        TrainingArguments.Evaluation evaluation = new TrainingArguments.Evaluation(
                a.intValue("eval-steps", 0, Integer.MAX_VALUE), a.intValue("per-device-eval-batch-size", 1, 65_536),
                metric, greater, a.intValue("early-stopping-patience", 0, 1_000_000),
                a.intValue("generation-eval-samples", 0, Integer.MAX_VALUE),
                a.has("generation-max-length") ? a.intValue("generation-max-length", 1, 100_000) : maxTarget,
                a.intValue("generation-num-beams", 1, 64));
        TrainingArguments.Checkpointing checkpointing = new TrainingArguments.Checkpointing(
                a.requiredPath("output-dir"), a.flag("overwrite-output-dir"),
                a.intValue("save-steps", 0, Integer.MAX_VALUE), a.intValue("save-total-limit", 0, 1_000_000),
                a.flag("load-best-model-at-end"), a.path("resume-from-checkpoint"), QuantizeFlags.specs(a));
        return new TrainingArguments(a.requiredPath("model"), data, optimizer, schedule, evaluation, checkpointing,
                a.intValue("logging-steps", 1, Integer.MAX_VALUE), a.longValue("seed"),
                a.has("dropout") ? a.doubleValue("dropout", 0, 0.99) : null,
                a.doubleValue("label-smoothing-factor", 0, 0.99), GenerationFlags.device(a), GenerationFlags.threads(a));
    }
}

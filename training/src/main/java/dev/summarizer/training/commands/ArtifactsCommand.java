package dev.summarizer.training.commands;

import dev.summarizer.Json;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.summarizer.training.artifacts.AdamWSettings;
import dev.summarizer.training.artifacts.ArtifactNames;
import dev.summarizer.training.artifacts.OptimizerGraph;
import dev.summarizer.training.artifacts.T5Loss;
import dev.summarizer.training.artifacts.TrainingGraphs;
import dev.summarizer.cli.GenerationFlags;
import dev.summarizer.cli.Command;
import dev.summarizer.cli.Options;
import dev.summarizer.cli.ParsedArgs;
import dev.summarizer.cli.UserException;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.StagingDirectory;
import dev.summarizer.model.T5Config;
import dev.summarizer.model.T5Weights;
import dev.summarizer.onnx.OnnxModelWriter;
import dev.summarizer.training.session.TrainingCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code artifacts}: the four training artifacts of a model folder, in the shape of ONNX Runtime's on-device
 * training: training_model.onnx, eval_model.onnx, optimizer_model.onnx and checkpoint/.
 */
public final class ArtifactsCommand implements Command {
    @Override
    public String name() {
        return "artifacts";
    }

    @Override
    public String summary() {
        return "write the training artifacts (training, eval and optimizer models, checkpoint) of a model folder";
    }

    @Override
    public Options options() {
        return new Options()
                .option("model", "DIR", "the model folder to train")
                .option("out", "DIR", "the folder to write")
                .option("dropout", "X", "dropout rate of the training model (default: the config's dropout_rate)")
                .option("label-smoothing-factor", "X", "label smoothing of the loss", "0")
                .option("weight-decay", "X", "AdamW weight decay (not applied to layer norms)", "0")
                .option("adam-beta1", "X", "AdamW beta1", "0.9")
                .option("adam-beta2", "X", "AdamW beta2", "0.999")
                .option("adam-epsilon", "X", "AdamW epsilon", "1e-8")
                .option("seed", "N", "seed of the training model's dropout", "42")
                .option("device", "cpu|cuda", "the device the models are for: cuda computes the loss from operators the CUDA "
                        + "provider has kernels for (LogSoftmax, GatherElements) instead of SoftmaxCrossEntropyLoss", "cpu")
                .flag("overwrite", "replace DIR if it exists")
                .note("""
                        training_model.onnx: inputs every parameter (Hugging Face names), input_ids, attention_mask,
                          labels (-100 ignored); outputs loss and <parameter>_grad for each parameter.
                        eval_model.onnx: the same inputs; output loss (no dropout).
                        optimizer_model.onnx: torch-style AdamW with global-norm clipping; inputs learning_rate
                          (float64), step (int64, from 1), grad_scale, max_grad_norm, and per parameter the
                          parameter, <parameter>_grad, <parameter>.exp_avg, <parameter>.exp_avg_sq; outputs
                          grad_norm and the *.updated values.
                        checkpoint/: config.json, model.safetensors, optimizer.safetensors (zero moments),
                          trainer_state.json (step 0 and these settings).""");
    }

    @Override
    public int run(ParsedArgs args) throws Exception {
        ModelFolder model = ModelFolder.open(args.requiredPath("model"));
        Path out = args.requiredPath("out");
        if (Files.exists(out) && !args.flag("overwrite")) {
            throw new UserException(out + " already exists (pass --overwrite to replace it)");
        }
        T5Config config = model.readConfig();
        T5Weights weights = model.readWeights(config);
        double dropout = args.has("dropout") ? args.doubleValue("dropout", 0, 0.99) : config.dropoutRate();
        double smoothing = args.doubleValue("label-smoothing-factor", 0, 0.99);
        AdamWSettings adamW = new AdamWSettings(args.doubleValue("adam-beta1", 0, 0.999999),
                args.doubleValue("adam-beta2", 0, 0.999999), args.doubleValue("adam-epsilon", 0, 1),
                args.doubleValue("weight-decay", 0, 1));
        long seed = args.longValue("seed");
        T5Loss.Form loss = T5Loss.Form.forDevice(GenerationFlags.device(args));

        ObjectNode settings = Json.MAPPER.createObjectNode();
        settings.put("dropout", dropout);
        settings.put("label_smoothing_factor", smoothing);
        settings.put("weight_decay", adamW.weightDecay());
        settings.put("adam_beta1", adamW.beta1());
        settings.put("adam_beta2", adamW.beta2());
        settings.put("adam_epsilon", adamW.epsilon());
        settings.put("seed", seed);

        long start = System.nanoTime();
        try (StagingDirectory staging = StagingDirectory.forTarget(out)) {
            System.err.println("building the training model (forward, loss and gradients)...");
            OnnxModelWriter.write(TrainingGraphs.training(config, weights.layout(), dropout, seed, smoothing, loss),
                    staging.resolve(ArtifactNames.TRAINING_MODEL));
            OnnxModelWriter.write(TrainingGraphs.eval(config, weights.layout(), smoothing, loss),
                    staging.resolve(ArtifactNames.EVAL_MODEL));
            OnnxModelWriter.write(OptimizerGraph.adamW(weights.layout(), adamW), staging.resolve(ArtifactNames.OPTIMIZER_MODEL));
            ObjectNode state = Json.MAPPER.createObjectNode();
            state.set("artifact_settings", settings);
            TrainingCheckpoint.writeInitial(staging.resolve(ArtifactNames.CHECKPOINT), weights, state);
            staging.commit();
        }
        System.out.printf("wrote %s (%s, %s, %s, %s/) in %.1f s%n", out, ArtifactNames.TRAINING_MODEL, ArtifactNames.EVAL_MODEL,
                ArtifactNames.OPTIMIZER_MODEL, ArtifactNames.CHECKPOINT, (System.nanoTime() - start) / 1e9);
        return 0;
    }
}

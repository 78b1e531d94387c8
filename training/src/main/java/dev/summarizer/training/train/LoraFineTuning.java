package dev.summarizer.training.train;

import ai.onnxruntime.OrtException;
import dev.summarizer.export.OnnxExport;
import dev.summarizer.lora.AdapterFiles;
import dev.summarizer.lora.LoraAdapter;
import dev.summarizer.lora.LoraConfig;
import dev.summarizer.lora.LoraInitializer;
import dev.summarizer.lora.LoraMerge;
import dev.summarizer.lora.LoraTargets;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.T5Config;
import dev.summarizer.model.T5ParameterLayout;
import dev.summarizer.model.T5Weights;
import dev.summarizer.runtime.Device;
import dev.summarizer.training.lora.LoraCheckpoint;
import dev.summarizer.training.lora.LoraParameters;
import dev.summarizer.training.session.SavedCheckpoint;
import dev.summarizer.training.session.TrainingSession;
import dev.summarizer.training.session.TrainingSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * LoRA fine-tuning with PEFT's semantics: a new adapter (PEFT's initialisation, from the run's seed), or the one in
 * {@code --lora-adapter}, trained beside the frozen model. Checkpoints hold the adapter and its moments; the results
 * are {@code adapter/} (as PEFT saves it) and {@code final/} (the base with the adapter merged in, with its ONNX files).
 */
final class LoraFineTuning implements FineTuning {
    public static final String ADAPTER = "adapter";

    private final LoraArguments lora;
    private final String baseModel;
    private final long seed;
    private final Device device;
    private final int threads;

    LoraFineTuning(LoraArguments lora, TrainingArguments args) {
        this.lora = lora;
        this.baseModel = args.model().toString();
        this.seed = args.seed();
        this.device = args.device();
        this.threads = args.threads();
    }

    @Override
    public SavedCheckpoint readCheckpoint(Path dir, ModelFolder source) {
        return LoraCheckpoint.read(dir, new T5ParameterLayout(source.readConfig()));
    }

    @Override
    public TrainingSession open(ModelFolder source, T5Config config, SavedCheckpoint resumeFrom, TrainingSettings settings)
            throws OrtException {
        // The linear layers an adapter may fit are the same whether or not the lm_head is a tensor of its own.
        T5ParameterLayout layout = new T5ParameterLayout(config);
        LoraAdapter start;
        if (resumeFrom != null) {
            start = agreeing(((LoraCheckpoint) resumeFrom).adapter(), resumeFrom.dir(), layout);
        } else if (lora.adapter() != null) {
            start = agreeing(AdapterFiles.read(lora.adapter(), layout), lora.adapter(), layout);
        } else {
            start = newAdapter(layout);
        }
        LoraParameters trained = LoraParameters.over(() -> source.readWeights(config), start.config(), start.modules(),
                baseModel);
        if (resumeFrom == null) {
            return TrainingSession.start(trained, start.tensors(), settings, device, threads);
        }
        LoraCheckpoint checkpoint = (LoraCheckpoint) resumeFrom;
        return TrainingSession.resume(trained, start.tensors(), checkpoint.firstMoments(), checkpoint.secondMoments(),
                checkpoint.step(), settings, device, threads);
    }

    /** An adapter of the flags' settings (TRL's defaults where not given), initialised as PEFT does. */
    private LoraAdapter newAdapter(T5ParameterLayout layout) {
        List<String> targets = lora.targetModules() != null ? lora.targetModules() : LoraConfig.DEFAULT_TARGETS;
        List<String> modules = LoraTargets.modules(layout, targets);
        if (modules.isEmpty()) {
            throw new TrainingException("--lora-target-modules " + String.join(",", targets) + ": none of them is a layer "
                    + "of this model (its linear layers are " + String.join(", ", LoraTargets.resolve(layout,
                            List.of(LoraConfig.ALL_LINEAR))) + ")");
        }
        LoraConfig config = new LoraConfig(lora.r() != null ? lora.r() : LoraArguments.DEFAULT_R,
                lora.alpha() != null ? lora.alpha() : LoraArguments.DEFAULT_ALPHA,
                lora.dropout() != null ? lora.dropout() : LoraArguments.DEFAULT_DROPOUT,
                LoraTargets.resolve(layout, targets));
        return LoraInitializer.initialize(config, layout, modules, seed);
    }

    /**
     * An existing adapter (from {@code --lora-adapter} or a checkpoint), checked against the flags given with it:
     * rank, alpha and targets must be the adapter's; a given {@code --lora-dropout} replaces the adapter's.
     */
    private LoraAdapter agreeing(LoraAdapter adapter, Path from, T5ParameterLayout layout) {
        LoraConfig c = adapter.config();
        if (lora.r() != null && lora.r() != c.r()) {
            throw new TrainingException("--lora-r " + lora.r() + " does not match the adapter in " + from + " (r " + c.r() + ")");
        }
        if (lora.alpha() != null && lora.alpha() != c.alpha()) {
            throw new TrainingException("--lora-alpha " + lora.alpha() + " does not match the adapter in " + from
                    + " (lora_alpha " + c.alpha() + ")");
        }
        if (lora.targetModules() != null && !LoraTargets.modules(layout, lora.targetModules()).equals(adapter.modules())) {
            throw new TrainingException("--lora-target-modules " + String.join(",", lora.targetModules())
                    + " does not match the adapter in " + from + " (it adapts " + String.join(", ", c.targetModules()) + ")");
        }
        if (lora.dropout() == null || lora.dropout() == c.dropout()) {
            return adapter;
        }
        return new LoraAdapter(new LoraConfig(c.r(), c.alpha(), lora.dropout(), c.targetModules()), adapter.modules(),
                adapter.tensors());
    }

    @Override
    public void writeResults(TrainingSession session, ModelFolder source, Path outputDir, TrainingArguments.Checkpointing export) throws IOException {
        LoraParameters trained = (LoraParameters) session.trainable();
        AdapterFiles.writeFolder(outputDir.resolve(ADAPTER), new LoraAdapter(trained.loraConfig(), trained.modules(),
                session.trainedValues()), baseModel);
        session.exportModel(outputDir.resolve(Trainer.FINAL), source, export.maxShardBytes(), export.finalQuantizations());
    }

    @Override
    public void writeResults(Path checkpoint, ModelFolder source, T5Config config, Path outputDir, TrainingArguments.Checkpointing export) throws IOException {
        T5Weights base = source.readWeights(config);
        LoraAdapter adapter = LoraCheckpoint.read(checkpoint, base.layout()).adapter();
        AdapterFiles.writeFolder(outputDir.resolve(ADAPTER), adapter, baseModel);
        OnnxExport.exportFolder(LoraMerge.merged(base, adapter), source, outputDir.resolve(Trainer.FINAL), export.maxShardBytes(), export.finalQuantizations(), line -> {});
    }
}

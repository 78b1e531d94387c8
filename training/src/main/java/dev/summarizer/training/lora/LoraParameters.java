package dev.summarizer.training.lora;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.summarizer.export.SuppliedInitializers;
import dev.summarizer.lora.LoraAdapter;
import dev.summarizer.lora.LoraConfig;
import dev.summarizer.lora.LoraMerge;
import dev.summarizer.lora.LoraTargets;
import dev.summarizer.model.ParameterSpec;
import dev.summarizer.model.T5Config;
import dev.summarizer.model.T5ParameterLayout;
import dev.summarizer.model.T5Weights;
import dev.summarizer.onnx.Graph;
import dev.summarizer.runtime.CpuFallback;
import dev.summarizer.runtime.NativeResources;
import dev.summarizer.runtime.Sessions;
import dev.summarizer.training.artifacts.T5Loss;
import dev.summarizer.training.session.SessionModel;
import dev.summarizer.training.session.TensorBuffers;
import dev.summarizer.training.session.Trainable;
import dev.summarizer.training.session.TrainingCheckpoint;
import dev.summarizer.training.session.TrainingSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LoRA fine-tuning: the adapter's factors are trained, the model's own weights stay as they are. Those live once in
 * native buffers here, and each session of the training or eval model takes them in as initializers when it opens
 * (onto the GPU for CUDA), so no run passes them again. The model the factors stand for is the base with the
 * adapter merged in; for the evaluation decoders the merged layers are kept in buffers of their own, refreshed on
 * demand.
 */
public final class LoraParameters implements Trainable {
    private final T5Config config;
    private final T5ParameterLayout layout;
    private final LoraGraphs.Adapter adapter;
    private final List<ParameterSpec> trained;
    private final String baseModel;
    private final TensorBuffers frozen;
    /** The adapted weights with the adapter merged in, for {@link #liveParameters}; made at the first call. */
    private TensorBuffers merged;

    private LoraParameters(T5Config config, T5ParameterLayout layout, LoraGraphs.Adapter adapter, String baseModel,
            TensorBuffers frozen) {
        this.config = config;
        this.layout = layout;
        this.adapter = adapter;
        this.trained = adapter.specs(layout);
        this.baseModel = baseModel;
        this.frozen = frozen;
    }

    /**
     * Trains an adapter of {@code config} on {@code modules} beside {@code base}, whose values are copied once into
     * native memory ({@code base} itself may then go).
     *
     * @param baseModel what adapter_config.json names as the base model ({@code base_model_name_or_path})
     */
    public static LoraParameters over(T5Weights base, LoraConfig config, List<String> modules, String baseModel)
            throws OrtException {
        TensorBuffers frozen = new TensorBuffers(Sessions.environment(), base.layout().specs());
        try {
            frozen.load(base.tensors());
        } catch (RuntimeException e) {
            frozen.close();
            throw e;
        }
        return new LoraParameters(base.config(), base.layout(), new LoraGraphs.Adapter(config, modules), baseModel, frozen);
    }

    public LoraConfig loraConfig() {
        return adapter.config();
    }

    public List<String> modules() {
        return adapter.modules();
    }

    @Override
    public T5Config config() {
        return config;
    }

    @Override
    public T5ParameterLayout layout() {
        return layout;
    }

    @Override
    public List<ParameterSpec> trained() {
        return trained;
    }

    @Override
    public SessionModel trainingModel(TrainingSettings settings, long dropoutSeed, T5Loss.Form loss) {
        return withFrozenWeights(LoraGraphs.training(config, layout, adapter, settings.dropout(), dropoutSeed,
                settings.labelSmoothing(), loss));
    }

    @Override
    public SessionModel evalModel(TrainingSettings settings, T5Loss.Form loss) {
        return withFrozenWeights(LoraGraphs.eval(config, layout, adapter, settings.labelSmoothing(), loss));
    }

    /** The graph with the model's weights as initializers, given from the frozen buffers. */
    private SessionModel withFrozenWeights(Graph graph) {
        SuppliedInitializers supplied = SuppliedInitializers.of(graph, layout);
        Map<String, OnnxTensor> initializers = new HashMap<>();
        supplied.names().forEach(name -> initializers.put(name, frozen.tensor(name)));
        return new SessionModel(supplied.model(), initializers, CpuFallback.forGraph(graph));
    }

    @Override
    public boolean hasDropout(TrainingSettings settings) {
        return settings.dropout() > 0 || adapter.config().dropout() > 0;
    }

    /** The adapter the trained values make. */
    public LoraAdapter adapter(TensorBuffers trainedValues) {
        return new LoraAdapter(adapter.config(), adapter.modules(), trainedValues.copy());
    }

    @Override
    public T5Weights weights(TensorBuffers trainedValues) {
        return LoraMerge.merged(new T5Weights(config, frozen.copy()), adapter(trainedValues));
    }

    @Override
    public Map<String, OnnxTensor> liveParameters(TensorBuffers trainedValues) {
        if (merged == null) {
            List<ParameterSpec> adapted = new ArrayList<>();
            adapter.modules().forEach(m -> adapted.add(layout.spec(LoraTargets.weight(m))));
            try {
                merged = new TensorBuffers(Sessions.environment(), adapted);
            } catch (OrtException e) {
                throw new IllegalStateException("could not allocate the merged weights: " + e.getMessage(), e);
            }
            refreshLiveParameters(trainedValues);
        }
        Map<String, OnnxTensor> live = new LinkedHashMap<>();
        for (ParameterSpec spec : layout.specs()) {
            OnnxTensor m = merged.tensor(spec.name());
            live.put(spec.name(), m != null ? m : frozen.tensor(spec.name()));
        }
        return java.util.Collections.unmodifiableMap(live);
    }

    @Override
    public void refreshLiveParameters(TensorBuffers trainedValues) {
        if (merged == null) {
            return;
        }
        float scaling = (float) adapter.config().scaling();
        for (String module : adapter.modules()) {
            String name = LoraTargets.weight(module);
            long[] shape = layout.spec(name).shape();
            LoraMerge.merge(frozen.buffer(name), trainedValues.buffer(LoraAdapter.keyA(module)),
                    trainedValues.buffer(LoraAdapter.keyB(module)), scaling, shape[0], shape[1], adapter.config().r(),
                    merged.buffer(name));
        }
    }

    @Override
    public void writeCheckpoint(Path dir, TensorBuffers trainedValues, TensorBuffers firstMoments, TensorBuffers secondMoments,
            long step, ObjectNode trainerState, TrainingCheckpoint.Extras extras) throws IOException {
        LoraCheckpoint.write(dir, adapter.config(), trainedValues, firstMoments, secondMoments, step, trainerState, baseModel,
                extras);
    }

    /** Writes the adapter the trained values make as a PEFT adapter folder. */
    public void writeAdapter(Path dir, TensorBuffers trainedValues) throws IOException {
        dev.summarizer.lora.AdapterFiles.writeFolder(dir, adapter(trainedValues), baseModel);
    }

    @Override
    public void close() {
        try {
            NativeResources.closeAll(merged, frozen);
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}

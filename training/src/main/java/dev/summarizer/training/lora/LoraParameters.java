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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * LoRA fine-tuning: the adapter's factors are trained, the model's own weights stay as they are. Each session of the
 * training or eval model takes the frozen weights in as initializers when it opens (onto the GPU for CUDA), so no
 * run passes them again, and holds its own copy: so this class keeps no copy of its own between sessions. It reads
 * them from their source (the model folder) when a session opens, or when the merged model is written, and lets
 * them go afterwards; only the evaluation decoders, which read every weight at each evaluation, make it keep them,
 * beside merged copies of the adapted layers refreshed on demand.
 */
public final class LoraParameters implements Trainable {
    private final Supplier<T5Weights> source;
    private final T5Config config;
    private final T5ParameterLayout layout;
    private final LoraGraphs.Adapter adapter;
    private final List<ParameterSpec> trained;
    private final String baseModel;
    /** The frozen weights while something needs them, else null. */
    private TensorBuffers frozen;
    /** Set once {@link #liveParameters} handed out tensors over {@link #frozen}: from then on they stay. */
    private boolean keepFrozen;
    /** The adapted weights with the adapter merged in, for {@link #liveParameters}; made at the first call. */
    private TensorBuffers merged;

    private LoraParameters(Supplier<T5Weights> source, T5Weights first, LoraGraphs.Adapter adapter, String baseModel)
            throws OrtException {
        this.source = source;
        this.config = first.config();
        this.layout = first.layout();
        this.adapter = adapter;
        this.trained = adapter.specs(layout);
        this.baseModel = baseModel;
        this.frozen = load(first);
    }

    /**
     * Trains an adapter of {@code config} on {@code modules} beside the weights {@code source} reads (each time they
     * are needed; they must be the same every time).
     *
     * @param baseModel what adapter_config.json names as the base model ({@code base_model_name_or_path})
     */
    public static LoraParameters over(Supplier<T5Weights> source, LoraConfig config, List<String> modules, String baseModel)
            throws OrtException {
        return new LoraParameters(source, source.get(), new LoraGraphs.Adapter(config, modules), baseModel);
    }

    private TensorBuffers load(T5Weights weights) throws OrtException {
        if (!weights.layout().specs().stream().map(ParameterSpec::name).toList()
                .equals(layout.specs().stream().map(ParameterSpec::name).toList())) {
            throw new IllegalStateException("the frozen weights changed their layout between two reads");
        }
        TensorBuffers buffers = new TensorBuffers(Sessions.environment(), layout.specs());
        try {
            buffers.load(weights.tensors());
        } catch (RuntimeException e) {
            buffers.close();
            throw e;
        }
        return buffers;
    }

    /** The frozen weights, read again from the source when they were let go. */
    private TensorBuffers frozen() {
        if (frozen == null) {
            try {
                frozen = load(source.get());
            } catch (OrtException e) {
                throw new IllegalStateException("could not allocate the frozen weights: " + e.getMessage(), e);
            }
        }
        return frozen;
    }

    /**
     * Lets the frozen weights go, unless the evaluation decoders read them. Java 21 frees a direct buffer only when
     * the collector finds it unreachable, so a collection follows (t5-small: 240 MB that would otherwise stay through
     * every training step; the collection also returns the heap the weights were read into).
     */
    private void release() {
        if (keepFrozen || frozen == null) {
            return;
        }
        frozen.close();
        frozen = null;
        System.gc();
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

    /** The graph with the model's weights as initializers, given from the frozen buffers until the session is open. */
    private SessionModel withFrozenWeights(Graph graph) {
        SuppliedInitializers supplied = SuppliedInitializers.of(graph, layout);
        Map<String, OnnxTensor> initializers = new HashMap<>();
        TensorBuffers weights = frozen();
        supplied.names().forEach(name -> initializers.put(name, weights.tensor(name)));
        return new SessionModel(supplied.model(), initializers, CpuFallback.forGraph(graph), this::release);
    }

    @Override
    public boolean hasDropout(TrainingSettings settings) {
        return settings.dropout() > 0 || adapter.config().dropout() > 0;
    }

    /** The adapter the trained values make. */
    private LoraAdapter adapter(TensorBuffers trainedValues) {
        return new LoraAdapter(adapter.config(), adapter.modules(), trainedValues.copy());
    }

    @Override
    public T5Weights weights(TensorBuffers trainedValues) {
        T5Weights base = new T5Weights(config, frozen().copy());
        release();
        return LoraMerge.merged(base, adapter(trainedValues));
    }

    @Override
    public Map<String, OnnxTensor> liveParameters(TensorBuffers trainedValues) {
        keepFrozen = true;
        TensorBuffers weights = frozen();
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
            live.put(spec.name(), m != null ? m : weights.tensor(spec.name()));
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
            LoraMerge.merge(frozen().buffer(name), trainedValues.buffer(LoraAdapter.keyA(module)),
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

    @Override
    public void close() {
        try {
            NativeResources.closeAll(merged, frozen);
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}

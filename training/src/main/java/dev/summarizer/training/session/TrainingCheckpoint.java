package dev.summarizer.training.session;

import dev.summarizer.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.summarizer.model.FloatTensor;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.ModelFormatException;
import dev.summarizer.model.ParameterSpec;
import dev.summarizer.model.Safetensors;
import dev.summarizer.model.StagingDirectory;
import dev.summarizer.model.T5Config;
import dev.summarizer.model.T5ParameterLayout;
import dev.summarizer.model.T5Weights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training checkpoint folder: {@code config.json} and {@code model.safetensors} (a model folder's, so the
 * parameters load anywhere), {@code optimizer.safetensors} with AdamW's moments ({@code exp_avg.<name>},
 * {@code exp_avg_sq.<name>}), and {@code trainer_state.json} with the step ({@code global_step}) and whatever the
 * trainer records.
 * Written beside its target and renamed into place, so a failure leaves the previous checkpoint intact.
 */
public record TrainingCheckpoint(Path dir, T5Weights weights, Map<String, FloatTensor> firstMoments,
        Map<String, FloatTensor> secondMoments, long step, ObjectNode trainerState) implements SavedCheckpoint {

    public static final String OPTIMIZER = "optimizer.safetensors";
    public static final String TRAINER_STATE = "trainer_state.json";
    /** The optimizer steps taken, under transformers' name for it in trainer_state.json. */
    public static final String GLOBAL_STEP = "global_step";
    private static final String FIRST = "exp_avg.";
    private static final String SECOND = "exp_avg_sq.";
    private static final ObjectMapper JSON = Json.MAPPER;

    /** More files a caller puts into the checkpoint folder before it is moved into place (tokenizer, arguments). */
    @FunctionalInterface
    public interface Extras {
        void writeInto(Path staging) throws IOException;
    }

    static void write(Path dir, T5Config config, TensorBuffers params, TensorBuffers first, TensorBuffers second, long step,
            ObjectNode trainerState, Extras extras) throws IOException {
        write(dir, config, params.forWriting(""), first.forWriting(FIRST), second.forWriting(SECOND), step, trainerState, extras);
    }

    /** The checkpoint a training run starts from: the model's parameters, zero moments, step 0. */
    public static void writeInitial(Path dir, T5Weights weights, ObjectNode trainerState) throws IOException {
        Map<String, Safetensors.Buffer> params = new LinkedHashMap<>();
        Map<String, Safetensors.Buffer> first = new LinkedHashMap<>();
        Map<String, Safetensors.Buffer> second = new LinkedHashMap<>();
        for (ParameterSpec spec : weights.layout().specs()) {
            FloatTensor t = weights.tensor(spec.name());
            params.put(spec.name(), new Safetensors.Buffer(t.shape(), java.nio.FloatBuffer.wrap(t.data())));
            // One zero buffer serves both moments: they are only read.
            Safetensors.Buffer zeros = new Safetensors.Buffer(t.shape(), java.nio.FloatBuffer.allocate(t.size()));
            first.put(FIRST + spec.name(), zeros);
            second.put(SECOND + spec.name(), zeros);
        }
        write(dir, weights.config(), params, first, second, 0, trainerState, staging -> {});
    }

    private static void write(Path dir, T5Config config, Map<String, Safetensors.Buffer> params,
            Map<String, Safetensors.Buffer> first, Map<String, Safetensors.Buffer> second, long step,
            ObjectNode trainerState, Extras extras) throws IOException {
        try (StagingDirectory staging = StagingDirectory.forTarget(dir)) {
            Files.writeString(staging.resolve(ModelFolder.CONFIG), ModelFolder.pretty(config.json()));
            Safetensors.writeBuffers(staging.resolve(ModelFolder.WEIGHTS), params);
            writeOptimizerState(staging.path(), first, second, step, trainerState);
            extras.writeInto(staging.path());
            staging.commit();
        }
    }

    /**
     * Writes what every checkpoint holds beside the trained values into {@code folder}: optimizer.safetensors with
     * the moments ({@code first} and {@code second} named {@code exp_avg.<name>} and {@code exp_avg_sq.<name>}, see
     * {@link #momentBuffers}) and trainer_state.json with the step.
     */
    public static void writeOptimizerState(Path folder, Map<String, Safetensors.Buffer> first,
            Map<String, Safetensors.Buffer> second, long step, ObjectNode trainerState) throws IOException {
        Map<String, Safetensors.Buffer> moments = new LinkedHashMap<>(first);
        moments.putAll(second);
        Safetensors.writeBuffers(folder.resolve(OPTIMIZER), moments);
        ObjectNode state = trainerState != null ? trainerState.deepCopy() : JSON.createObjectNode();
        state.put(GLOBAL_STEP, step);
        Files.writeString(folder.resolve(TRAINER_STATE), ModelFolder.pretty(state));
    }

    /** The two moments' buffers under their names in optimizer.safetensors, first moments first. */
    public static List<Map<String, Safetensors.Buffer>> momentBuffers(TensorBuffers first, TensorBuffers second) {
        return List.of(first.forWriting(FIRST), second.forWriting(SECOND));
    }

    /** The moments and step a checkpoint folder holds for {@code specs}, and its trainer state. */
    public record OptimizerState(Map<String, FloatTensor> firstMoments, Map<String, FloatTensor> secondMoments, long step,
            ObjectNode trainerState) {}

    /** Reads optimizer.safetensors and trainer_state.json of a checkpoint folder, checking the moments against {@code specs}. */
    public static OptimizerState readOptimizerState(Path dir, List<ParameterSpec> specs) {
        Map<String, FloatTensor> moments = Safetensors.read(dir.resolve(OPTIMIZER));
        Map<String, FloatTensor> first = new LinkedHashMap<>();
        Map<String, FloatTensor> second = new LinkedHashMap<>();
        for (ParameterSpec spec : specs) {
            first.put(spec.name(), moment(dir, moments, FIRST + spec.name(), spec));
            second.put(spec.name(), moment(dir, moments, SECOND + spec.name(), spec));
        }
        Path statePath = dir.resolve(TRAINER_STATE);
        JsonNode state;
        try {
            state = JSON.readTree(statePath.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(statePath + ": missing or not valid JSON");
        }
        if (state == null || !state.path(GLOBAL_STEP).canConvertToLong()) {
            throw new ModelFormatException(statePath + ": no " + GLOBAL_STEP);
        }
        return new OptimizerState(first, second, state.get(GLOBAL_STEP).asLong(), (ObjectNode) state);
    }

    /**
     * Reads a checkpoint, checking it against {@code expected} when given: a checkpoint of another
     * architecture is reported by the first field or tensor that differs.
     */
    public static TrainingCheckpoint read(Path dir, T5Config expected) {
        if (!Files.isDirectory(dir)) {
            throw new ModelFormatException(dir + ": checkpoint folder not found");
        }
        if (!Files.exists(dir.resolve(ModelFolder.CONFIG)) && dev.summarizer.lora.AdapterFiles.isAdapterFolder(dir)) {
            throw new ModelFormatException(dir + ": a LoRA checkpoint (an adapter and its moments, not the model's "
                    + "weights); resume it as a LoRA run");
        }
        T5Config config = T5Config.read(dir.resolve(ModelFolder.CONFIG));
        if (expected != null) {
            checkSameArchitecture(dir, expected, config);
        }
        T5Weights weights = T5Weights.read(dir.resolve(ModelFolder.WEIGHTS), config);
        OptimizerState optimizer = readOptimizerState(dir, weights.layout().specs());
        return new TrainingCheckpoint(dir, weights, optimizer.firstMoments(), optimizer.secondMoments(), optimizer.step(),
                optimizer.trainerState());
    }

    private static FloatTensor moment(Path dir, Map<String, FloatTensor> moments, String name, ParameterSpec spec) {
        FloatTensor t = moments.get(name);
        if (t == null || !t.hasShape(spec.shape())) {
            throw new ModelFormatException(dir.resolve(OPTIMIZER) + ": " + (t == null ? "missing tensor " : "mis-shaped tensor ")
                    + name + " (expected shape " + java.util.Arrays.toString(spec.shape()) + ")");
        }
        return t;
    }

    private static void checkSameArchitecture(Path dir, T5Config expected, T5Config found) {
        String[][] fields = {
            {"d_model", "" + expected.dModel(), "" + found.dModel()},
            {"d_kv", "" + expected.dKv(), "" + found.dKv()},
            {"d_ff", "" + expected.dFf(), "" + found.dFf()},
            {"num_layers", "" + expected.numLayers(), "" + found.numLayers()},
            {"num_decoder_layers", "" + expected.numDecoderLayers(), "" + found.numDecoderLayers()},
            {"num_heads", "" + expected.numHeads(), "" + found.numHeads()},
            {"vocab_size", "" + expected.vocabSize(), "" + found.vocabSize()},
            {"feed_forward_proj", expected.activation() + "/" + expected.gatedActivation(),
                found.activation() + "/" + found.gatedActivation()},
        };
        for (String[] f : fields) {
            if (!f[1].equals(f[2])) {
                throw new ModelFormatException(dir.resolve(ModelFolder.CONFIG) + ": the checkpoint is of another architecture ("
                        + f[0] + " " + f[2] + ", the model has " + f[1] + ")");
            }
        }
    }
}

package dev.summarizer.lora;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.summarizer.Json;
import dev.summarizer.model.FloatTensor;
import dev.summarizer.model.ModelFormatException;
import dev.summarizer.model.ParameterSpec;
import dev.summarizer.model.Safetensors;
import dev.summarizer.model.StagingDirectory;
import dev.summarizer.model.T5ParameterLayout;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A PEFT adapter folder, as {@code PeftModel.save_pretrained} writes it for a LoRA adapter of a T5 model:
 * {@code adapter_config.json} (every field PEFT 0.21.0 writes, in its JSON format) and
 * {@code adapter_model.safetensors} (the factors under PEFT's keys, float32), so that
 * {@code PeftModel.from_pretrained(base, dir)} loads what is written here, and what PEFT wrote is read here.
 */
public final class AdapterFiles {
    public static final String CONFIG = "adapter_config.json";
    public static final String WEIGHTS = "adapter_model.safetensors";
    /** The PEFT release whose adapter_config.json fields and values are written. */
    public static final String PEFT_VERSION = "0.21.0";

    private AdapterFiles() {}

    /** Whether {@code dir} holds an adapter (its config file), as opposed to a model folder or a full checkpoint. */
    public static boolean isAdapterFolder(Path dir) {
        return Files.isRegularFile(dir.resolve(CONFIG));
    }

    /**
     * Reads a LoRA adapter for a model of {@code layout}. The adapted modules are the ones the weights file has
     * factors for; each factor must fit its layer. Anything this project does not train (another PEFT type, DoRA,
     * rsLoRA, per-layer ranks, biases, extra trained modules) is refused by the field that asks for it.
     */
    public static LoraAdapter read(Path dir, T5ParameterLayout layout) {
        if (!Files.isDirectory(dir)) {
            throw new ModelFormatException(dir + ": adapter folder not found");
        }
        Path configFile = dir.resolve(CONFIG);
        if (!Files.isRegularFile(configFile)) {
            throw new ModelFormatException(dir + ": not a PEFT adapter folder (no " + CONFIG + ")");
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(configFile.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(configFile + ": not valid JSON");
        }
        if (json == null || !json.isObject()) {
            throw new ModelFormatException(configFile + ": not a JSON object");
        }
        String type = json.path("peft_type").asText("");
        if (!type.equals("LORA")) {
            throw new ModelFormatException(configFile + ": peft_type is \"" + type + "\", not \"LORA\" (only LoRA adapters are supported)");
        }
        refuseUnsupported(configFile, json);
        int r = json.path("r").canConvertToInt() && json.path("r").isIntegralNumber() ? json.get("r").asInt() : 0;
        if (r < 1) {
            throw new ModelFormatException(configFile + ": r must be an integer of at least 1, got " + json.path("r"));
        }
        double alpha = json.path("lora_alpha").isNumber() ? json.get("lora_alpha").asDouble() : Double.NaN;
        if (!(alpha > 0)) {
            throw new ModelFormatException(configFile + ": lora_alpha must be a positive number, got " + json.path("lora_alpha"));
        }
        double dropout = json.path("lora_dropout").isNumber() ? json.get("lora_dropout").asDouble() : 0;
        if (dropout < 0 || dropout >= 1) {
            throw new ModelFormatException(configFile + ": lora_dropout must be in [0, 1), got " + dropout);
        }

        Path weightsFile = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(weightsFile)) {
            throw new ModelFormatException(dir + ": no " + WEIGHTS + (Files.exists(dir.resolve("adapter_model.bin"))
                    ? " (only adapter_model.bin, which is not read; save the adapter with safe_serialization=True)" : ""));
        }
        Map<String, FloatTensor> found = Safetensors.read(weightsFile);
        Set<String> linear = new LinkedHashSet<>(LoraTargets.linearModules(layout));
        Set<String> adapted = new java.util.HashSet<>();
        for (String key : found.keySet()) {
            LoraAdapter.Factor f = LoraAdapter.factorOf(key);
            if (f == null) {
                throw new ModelFormatException(weightsFile + ": unexpected tensor " + key
                        + " (LoRA factors are named base_model.model.<module>.lora_A.weight or .lora_B.weight)");
            }
            if (!linear.contains(f.module())) {
                throw new ModelFormatException(weightsFile + ": tensor " + key + " adapts " + f.module()
                        + ", which is not a linear layer of this model");
            }
            adapted.add(f.module());
        }
        List<String> modules = new ArrayList<>();
        for (String module : linear) {
            if (adapted.contains(module)) {
                modules.add(module);
            }
        }
        if (modules.isEmpty()) {
            throw new ModelFormatException(weightsFile + ": no LoRA factors");
        }
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        for (ParameterSpec spec : LoraAdapter.specs(layout, modules, r)) {
            FloatTensor t = found.get(spec.name());
            if (t == null) {
                throw new ModelFormatException(weightsFile + ": missing tensor " + spec.name() + " of shape "
                        + Arrays.toString(spec.shape()));
            }
            if (!t.hasShape(spec.shape())) {
                LoraAdapter.Factor f = LoraAdapter.factorOf(spec.name());
                throw new ModelFormatException(weightsFile + ": tensor " + spec.name() + " has shape " + t.shapeString()
                        + " but the model's " + LoraTargets.weight(f.module()) + " "
                        + Arrays.toString(layout.spec(LoraTargets.weight(f.module())).shape()) + " at r " + r + " needs "
                        + Arrays.toString(spec.shape()));
            }
            tensors.put(spec.name(), t);
        }
        LoraConfig config = new LoraConfig(r, alpha, dropout, targetModules(json.path("target_modules"), layout, modules));
        return new LoraAdapter(config, modules, tensors);
    }

    /**
     * The config's target_modules when they are names of T5 linear layers that select exactly the adapted modules
     * (so they are written back as they were); otherwise (a regular expression, other names) the last name parts of
     * the adapted modules, which select the same layers.
     */
    private static List<String> targetModules(JsonNode given, T5ParameterLayout layout, List<String> modules) {
        if (given.isArray()) {
            List<String> names = new ArrayList<>();
            given.forEach(n -> names.add(n.asText()));
            if (LoraConfig.unknownTarget(names) == null && LoraTargets.modules(layout, names).equals(modules)) {
                return names;
            }
        }
        return suffixes(modules);
    }

    /** The target names that select exactly {@code modules}: their last name parts, in order of first use. */
    private static List<String> suffixes(List<String> modules) {
        Set<String> names = new LinkedHashSet<>();
        modules.forEach(m -> names.add(m.substring(m.lastIndexOf('.') + 1)));
        return List.copyOf(names);
    }

    /** Fields whose non-default values ask for something this project does not compute. */
    private static void refuseUnsupported(Path file, JsonNode json) {
        Map<String, String> mustBeOff = new LinkedHashMap<>();
        mustBeOff.put("use_dora", "DoRA adapters are not supported");
        mustBeOff.put("use_rslora", "rsLoRA scaling (alpha / sqrt(r)) is not supported");
        mustBeOff.put("fan_in_fan_out", "fan_in_fan_out is for GPT-2 style Conv1D layers, which T5 does not have");
        mustBeOff.put("lora_bias", "LoRA biases are not supported");
        mustBeOff.put("use_qalora", "QA-LoRA is not supported");
        for (var e : mustBeOff.entrySet()) {
            if (json.path(e.getKey()).asBoolean(false)) {
                throw new ModelFormatException(file + ": " + e.getKey() + " is true; " + e.getValue());
            }
        }
        String bias = json.path("bias").asText("none");
        if (!bias.equals("none")) {
            throw new ModelFormatException(file + ": bias is \"" + bias + "\"; only bias \"none\" is supported");
        }
        for (String field : List.of("rank_pattern", "alpha_pattern")) {
            JsonNode v = json.path(field);
            if (v.isObject() && !v.isEmpty()) {
                throw new ModelFormatException(file + ": " + field + " is not empty; one rank and alpha for every layer is supported");
            }
        }
        for (String field : List.of("modules_to_save", "layers_to_transform", "layer_replication", "target_parameters",
                "trainable_token_indices", "alora_invocation_tokens")) {
            JsonNode v = json.path(field);
            if (!v.isMissingNode() && !v.isNull() && !(v.isContainerNode() && v.isEmpty())) {
                throw new ModelFormatException(file + ": " + field + " is set (" + v + "); it is not supported");
            }
        }
    }

    /** Writes {@code adapter} as a complete adapter folder at {@code dir}, replacing it only once everything is written. */
    public static void writeFolder(Path dir, LoraAdapter adapter, String baseModel) throws IOException {
        Map<String, Safetensors.Buffer> buffers = new LinkedHashMap<>();
        adapter.tensors().forEach((k, t) -> buffers.put(k, new Safetensors.Buffer(t.shape(), FloatBuffer.wrap(t.data()))));
        try (StagingDirectory staging = StagingDirectory.forTarget(dir)) {
            write(staging.path(), adapter.config(), buffers, baseModel);
            staging.commit();
        }
    }

    /** Writes the two files into {@code folder} (which exists): the configuration and {@code tensors} by key. */
    public static void write(Path folder, LoraConfig config, Map<String, Safetensors.Buffer> tensors, String baseModel)
            throws IOException {
        Files.writeString(folder.resolve(CONFIG), PythonJson.dumps(configJson(config, baseModel)));
        // Sorted by key, as PEFT's safetensors files list them.
        Safetensors.writeBuffers(folder.resolve(WEIGHTS), new TreeMap<>(tensors));
    }

    /** adapter_config.json as PEFT 0.21.0 writes it for {@code config} on a T5 model at {@code baseModel}. */
    static ObjectNode configJson(LoraConfig config, String baseModel) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        for (String field : List.of("alora_invocation_tokens", "arrow_config", "auto_mapping", "corda_config", "eva_config",
                "exclude_modules", "kasa_config", "layer_replication", "layers_pattern", "layers_to_transform",
                "lora_ga_config", "megatron_config", "modules_to_save", "monteclora_config", "revision", "target_parameters",
                "trainable_token_indices", "use_bdlora", "velora_config")) {
            json.putNull(field);
        }
        for (String field : List.of("ensure_weight_tying", "fan_in_fan_out", "lora_bias", "use_dora", "use_qalora", "use_rslora")) {
            json.put(field, false);
        }
        json.putObject("alpha_pattern");
        json.putObject("loftq_config");
        json.putObject("rank_pattern");
        json.put("base_model_name_or_path", baseModel);
        json.put("bias", "none");
        // save_pretrained always writes inference_mode true.
        json.put("inference_mode", true);
        json.put("init_lora_weights", true);
        if (config.alpha() == Math.rint(config.alpha()) && Math.abs(config.alpha()) < 1e15) {
            json.put("lora_alpha", (long) config.alpha());
        } else {
            json.put("lora_alpha", config.alpha());
        }
        json.put("lora_dropout", config.dropout());
        json.put("megatron_core", "megatron.core");
        json.put("peft_type", "LORA");
        json.put("peft_version", PEFT_VERSION);
        json.put("qalora_group_size", 16);
        json.put("r", config.r());
        var targets = json.putArray("target_modules");
        config.targetModules().forEach(targets::add);
        json.put("task_type", "SEQ_2_SEQ_LM");
        return json;
    }
}

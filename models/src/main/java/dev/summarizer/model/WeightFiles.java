package dev.summarizer.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.summarizer.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model folder's weights as {@code save_pretrained} leaves them: one {@code model.safetensors}, or, past its
 * {@code max_shard_size}, {@code model-00001-of-0000N.safetensors} shards listed in {@code model.safetensors.index.json}
 * ({@code {"metadata": {"total_size"}, "weight_map": {tensor: shard}}}). Read both ways; written sharded when the
 * weights are larger than the shard size.
 */
public record WeightFiles(Path source, List<Path> files) {
    public static final String SINGLE = "model.safetensors";
    public static final String INDEX = "model.safetensors.index.json";
    /** transformers' default {@code max_shard_size}: 5 GB (decimal). */
    public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;

    public static WeightFiles single(Path file) {
        return new WeightFiles(file, List.of(file));
    }

    /** The weights of {@code folder}: model.safetensors, else the shards its index names. */
    public static WeightFiles in(Path folder) {
        Path single = folder.resolve(SINGLE);
        Path index = folder.resolve(INDEX);
        if (Files.isRegularFile(single) || !Files.isRegularFile(index)) {
            return single(single);
        }
        JsonNode map;
        try {
            map = Json.MAPPER.readTree(index.toFile()).path("weight_map");
        } catch (IOException e) {
            throw new ModelFormatException(index + ": not valid JSON");
        }
        if (!map.isObject() || map.isEmpty()) {
            throw new ModelFormatException(index + ": no weight_map");
        }
        Set<String> shards = new LinkedHashSet<>();
        for (var it = map.fields(); it.hasNext(); ) {
            String shard = it.next().getValue().asText("");
            if (shard.isEmpty() || shard.contains("/") || shard.contains("\\") || shard.startsWith(".")) {
                throw new ModelFormatException(index + ": weight_map names \"" + shard + "\", not a file beside it");
            }
            shards.add(shard);
        }
        List<Path> files = new ArrayList<>();
        for (String shard : shards) {
            Path file = folder.resolve(shard);
            if (!Files.isRegularFile(file)) {
                throw new ModelFormatException(file + ": file not found (named by " + INDEX + ")");
            }
            files.add(file);
        }
        return new WeightFiles(index, files);
    }

    /** Every tensor's header entry, from all files; a tensor in two files is an error naming both. */
    public Map<String, Safetensors.Entry> header() {
        Map<String, Safetensors.Entry> all = new LinkedHashMap<>();
        for (Path file : files) {
            for (Safetensors.Entry entry : Safetensors.header(file).values()) {
                Safetensors.Entry earlier = all.putIfAbsent(entry.name(), entry);
                if (earlier != null) {
                    throw new ModelFormatException(file + ": tensor " + entry.name() + " is also in " + earlier.file());
                }
            }
        }
        return all;
    }

    public Map<String, FloatTensor> read() {
        return Safetensors.read(header().values());
    }

    /**
     * Writes {@code tensors} into {@code folder}: one model.safetensors, or shards of at most {@code maxShardBytes} and
     * their index, split as huggingface_hub's {@code split_torch_state_dict_into_shards} splits them: tensors in name
     * order fill a shard until the next would tip it over the size; a tensor larger than the size gets a shard of its
     * own where it comes.
     */
    public static void write(Path folder, Map<String, FloatTensor> tensors, long maxShardBytes) throws IOException {
        long total = tensors.values().stream().mapToLong(t -> 4L * t.size()).sum();
        if (total <= maxShardBytes) {
            Safetensors.write(folder.resolve(SINGLE), tensors);
            return;
        }
        List<Map<String, FloatTensor>> shards = new ArrayList<>();
        Map<String, FloatTensor> current = new LinkedHashMap<>();
        long size = 0;
        for (String name : new java.util.TreeSet<>(tensors.keySet())) {
            FloatTensor t = tensors.get(name);
            long bytes = 4L * t.size();
            if (bytes > maxShardBytes) {
                shards.add(Map.of(name, t));
                continue;
            }
            if (size + bytes > maxShardBytes) {
                shards.add(current);
                current = new LinkedHashMap<>();
                size = 0;
            }
            current.put(name, t);
            size += bytes;
        }
        if (!current.isEmpty()) {
            shards.add(current);
        }
        ObjectNode index = Json.MAPPER.createObjectNode();
        index.putObject("metadata").put("total_parameters", total / 4).put("total_size", total);
        ObjectNode map = index.putObject("weight_map");
        Map<String, String> fileOf = new java.util.TreeMap<>();
        for (int i = 0; i < shards.size(); i++) {
            String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
            Safetensors.write(folder.resolve(name), shards.get(i));
            shards.get(i).keySet().forEach(tensor -> fileOf.put(tensor, name));
        }
        fileOf.forEach(map::put);
        Files.writeString(folder.resolve(INDEX), ModelFolder.pretty(index));
    }

    /** {@code --max-shard-size}: bytes, or a size such as {@code 5GB}, {@code 500MB}, {@code 2GiB}; null when malformed. */
    public static Long parseSize(String text) {
        var m = java.util.regex.Pattern.compile("(?i)\\s*([0-9]+(?:\\.[0-9]+)?)\\s*(b|kb|mb|gb|tb|kib|mib|gib|tib)?\\s*")
                .matcher(text);
        if (!m.matches()) {
            return null;
        }
        double value = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(java.util.Locale.ROOT);
        double scale = switch (unit) {
            case "kb" -> 1e3;
            case "mb" -> 1e6;
            case "gb" -> 1e9;
            case "tb" -> 1e12;
            case "kib" -> 1024.0;
            case "mib" -> 1024.0 * 1024;
            case "gib" -> 1024.0 * 1024 * 1024;
            case "tib" -> 1024.0 * 1024 * 1024 * 1024;
            default -> 1;
        };
        long bytes = (long) (value * scale);
        return bytes > 0 ? bytes : null;
    }
}

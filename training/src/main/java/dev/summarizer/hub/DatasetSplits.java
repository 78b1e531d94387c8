package dev.summarizer.hub;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A dataset's configs and splits as the dataset viewer's {@code /splits} lists them:
 * {@code {"splits": [{"dataset", "config", "split"}, ...], "pending": [...], "failed": [...]}}.
 */
public record DatasetSplits(String dataset, List<Split> splits, int pending, int failed) {
    public record Split(String config, String split) {}

    public DatasetSplits {
        splits = List.copyOf(splits);
    }

    public static DatasetSplits parse(JsonNode json, String dataset) {
        if (!json.path("splits").isArray()) {
            throw new HubException("dataset " + dataset + ": the dataset viewer answered /splits without a splits list");
        }
        List<Split> splits = new ArrayList<>();
        for (JsonNode s : json.get("splits")) {
            splits.add(new Split(s.path("config").asText(), s.path("split").asText()));
        }
        return new DatasetSplits(dataset, splits, json.path("pending").size(), json.path("failed").size());
    }

    public List<String> configs() {
        Set<String> configs = new LinkedHashSet<>();
        splits.forEach(s -> configs.add(s.config()));
        return List.copyOf(configs);
    }

    public List<String> splitsOf(String config) {
        return splits.stream().filter(s -> s.config().equals(config)).map(Split::split).toList();
    }

    /**
     * The config to read: the one asked for, else the preset's, else the only one, else "default"; a dataset
     * with several and none of those asks the user to choose.
     */
    public String chooseConfig(String asked, String preset) {
        List<String> configs = configs();
        if (configs.isEmpty()) {
            String why = pending > 0 ? "the dataset viewer is still preparing it; try again in a few minutes"
                    : failed > 0 ? "the dataset viewer could not read it, so fetch cannot either"
                    : "the dataset viewer lists no splits for it";
            throw new HubException("dataset " + dataset + ": " + why);
        }
        if (asked != null) {
            if (!configs.contains(asked)) {
                throw new HubException("dataset " + dataset + " has no config \"" + asked + "\" (configs: "
                        + String.join(", ", configs) + ")");
            }
            return asked;
        }
        if (preset != null && configs.contains(preset)) {
            return preset;
        }
        if (configs.size() == 1) {
            return configs.get(0);
        }
        if (configs.contains("default")) {
            return "default";
        }
        throw new HubException("dataset " + dataset + " has several configs (" + String.join(", ", configs)
                + "): choose one with --config");
    }

    /** The splits to read: those asked for (each must exist), else all of the config's. */
    public List<String> chooseSplits(String config, List<String> asked) {
        List<String> available = splitsOf(config);
        if (asked == null || asked.isEmpty()) {
            return available;
        }
        for (String split : asked) {
            if (!available.contains(split)) {
                throw new HubException("dataset " + dataset + " has no split \"" + split + "\" in config " + config
                        + " (splits: " + String.join(", ", available) + ")");
            }
        }
        return List.copyOf(asked);
    }
}

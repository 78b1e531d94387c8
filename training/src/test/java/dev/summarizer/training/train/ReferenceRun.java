package dev.summarizer.training.train;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code train} command line of a reference run: the settings a fixture script trained with, one thread. */
final class ReferenceRun {
    private ReferenceRun() {}

    /**
     * {@code settings} (an {@code expected.json}'s "settings") as flags for {@code model} on {@code train}; each pair
     * of {@code overrides} replaces or adds a flag, or removes it when its value is null.
     */
    static String[] trainArgs(JsonNode settings, Path model, Path train, Path out, String... overrides) {
        Map<String, String> flags = new LinkedHashMap<>();
        flags.put("--model", model.toString());
        flags.put("--train", train.toString());
        flags.put("--output-dir", out.toString());
        flags.put("--shuffle", "false");
        flags.put("--dropout", "0");
        flags.put("--seed", "5");
        flags.put("--logging-steps", "1");
        flags.put("--learning-rate", settings.get("learning_rate").asText());
        flags.put("--weight-decay", settings.get("weight_decay").asText());
        flags.put("--max-grad-norm", settings.get("max_grad_norm").asText());
        flags.put("--warmup-steps", settings.get("warmup_steps").asText());
        flags.put("--max-steps", settings.get("max_steps").asText());
        flags.put("--per-device-train-batch-size", settings.get("per_device_train_batch_size").asText());
        flags.put("--gradient-accumulation-steps", settings.get("gradient_accumulation_steps").asText());
        flags.put("--source-prefix", settings.get("source_prefix").asText());
        flags.put("--max-source-length", settings.get("max_source_length").asText());
        flags.put("--max-target-length", settings.get("max_target_length").asText());
        flags.put("--threads", "1");
        for (int i = 0; i < overrides.length; i += 2) {
            if (overrides[i + 1] == null) {
                flags.remove(overrides[i]);
            } else {
                flags.put(overrides[i], overrides[i + 1]);
            }
        }
        List<String> args = new ArrayList<>(List.of("train"));
        flags.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        return args.toArray(String[]::new);
    }
}

package dev.summarizer.training.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.summarizer.lora.LoraAdapter;
import dev.summarizer.lora.LoraConfig;
import dev.summarizer.lora.LoraInitializer;
import dev.summarizer.lora.LoraTargets;
import dev.summarizer.model.FloatTensor;
import dev.summarizer.model.T5Config;
import dev.summarizer.model.T5ParameterLayout;
import dev.summarizer.testing.Fixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A new adapter against PEFT's default initialisation (init_statistics.json, from PEFT on t5-small-like shapes, r 8,
 * targets q, v, wo): lora_A uniform on ±1/sqrt(in_features) with the sample statistics PEFT's draws show, lora_B zero.
 */
class LoraInitStatisticsTest {
    @Test
    void loraAIsPeftsKaimingUniformAndLoraBIsZero() {
        JsonNode expected = Fixtures.json(Fixtures.fixture("lora").resolve("init_statistics.json"));
        JsonNode peft = expected.get("lora_config");
        // The shapes of the script's T5Config: d_model 512, d_kv 64, 8 heads, d_ff 2048, 2 + 2 layers, relu.
        T5Config config = T5Config.parse("""
                {"model_type": "t5", "vocab_size": 64, "d_model": 512, "d_kv": 64, "num_heads": 8, "d_ff": 2048, "num_layers": 2,
                 "num_decoder_layers": 2, "feed_forward_proj": "relu", "dropout_rate": 0.0}""", "init statistics");
        T5ParameterLayout layout = new T5ParameterLayout(config);
        List<String> targets = new ArrayList<>();
        peft.get("target_modules").forEach(t -> targets.add(t.asText()));
        LoraConfig lora = new LoraConfig(peft.get("r").asInt(), peft.get("lora_alpha").asDouble(), 0, targets);
        List<String> modules = LoraTargets.modules(layout, targets);
        LoraAdapter adapter = LoraInitializer.initialize(lora, layout, modules, 1234);
        for (JsonNode group : expected.get("lora_A").get("stats")) {
            long in = group.get("in_features").asLong();
            List<FloatTensor> a = new ArrayList<>();
            modules.stream().map(adapter::a).filter(t -> t.shape()[1] == in).forEach(a::add);
            assertEquals(group.get("tensors").asInt(), a.size(), "lora_A tensors with " + in + " inputs");
            double bound = group.get("bound").asDouble();
            double sum = 0;
            double squares = 0;
            long n = 0;
            double min = Double.MAX_VALUE;
            double max = -Double.MAX_VALUE;
            for (FloatTensor t : a) {
                assertEquals(lora.r(), t.shape()[0]);
                for (float v : t.data()) {
                    sum += v;
                    squares += (double) v * v;
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                    n++;
                }
            }
            assertEquals(group.get("samples").asLong(), n);
            double mean = sum / n;
            double std = Math.sqrt(squares / n - mean * mean);
            // Both are samples of U(-bound, bound): means within 5 standard errors of 0 and of PEFT's, deviations
            // within 3% of the uniform's and of PEFT's sample; nothing beyond the bound, and values near both ends.
            double meanError = 5 * group.get("uniform_std").asDouble() / Math.sqrt(n);
            assertEquals(0, mean, meanError, "mean, in " + in);
            assertEquals(group.get("mean").asDouble(), mean, 2 * meanError, "mean against PEFT's, in " + in);
            assertEquals(group.get("uniform_std").asDouble(), std, 0.03 * std, "std, in " + in);
            assertEquals(group.get("std").asDouble(), std, 0.03 * std, "std against PEFT's, in " + in);
            assertTrue(min >= -bound && max <= bound, "within ±" + bound + ": " + min + ", " + max);
            assertTrue(min < -0.99 * bound && max > 0.99 * bound, "reaches the bounds: " + min + ", " + max);
        }
        for (String m : modules) {
            for (float v : adapter.b(m).data()) {
                assertEquals(0f, v, "lora_B starts at zero");
            }
        }
    }
}

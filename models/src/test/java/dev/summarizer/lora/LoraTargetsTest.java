package dev.summarizer.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.summarizer.model.Presets;
import dev.summarizer.model.T5ParameterLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PEFT's target matching on T5's module names, counted by hand from the architecture. */
class LoraTargetsTest {
    private static final T5ParameterLayout T5_SMALL = new T5ParameterLayout(Presets.config("t5-small"));
    private static final T5ParameterLayout FLAN_SMALL = new T5ParameterLayout(Presets.config("flan-t5-small"));

    @Test
    void qAndVAreEveryAttentionsQueryAndValue() {
        List<String> modules = LoraTargets.modules(T5_SMALL, LoraConfig.DEFAULT_TARGETS);
        // 6 encoder self-attentions, 6 decoder self- and 6 cross-attentions, each with a q and a v.
        assertEquals(36, modules.size());
        assertEquals("encoder.block.0.layer.0.SelfAttention.q", modules.get(0));
        assertEquals("encoder.block.0.layer.0.SelfAttention.v", modules.get(1));
        assertEquals("decoder.block.5.layer.1.EncDecAttention.v", modules.get(35));
    }

    @Test
    void oIsTheAttentionOutputAndNotTheFeedForwardsWo() {
        List<String> o = LoraTargets.modules(T5_SMALL, List.of("o"));
        assertEquals(18, o.size());
        o.forEach(m -> assertEquals(true, m.endsWith("Attention.o"), m));
        assertEquals(12, LoraTargets.modules(T5_SMALL, List.of("wo")).size());
    }

    @Test
    void allLinearIsEveryLinearLayerButTheLmHead() {
        // t5-small: per encoder block q, k, v, o, wi, wo (6); per decoder block 4 + 4 + 2 (10).
        assertEquals(6 * 6 + 6 * 10, LoraTargets.modules(T5_SMALL, List.of(LoraConfig.ALL_LINEAR)).size());
        assertEquals(List.of("q", "k", "v", "o", "wi", "wo"), LoraTargets.resolve(T5_SMALL, List.of(LoraConfig.ALL_LINEAR)));
        assertEquals(List.of("q", "k", "v", "o", "wi_0", "wi_1", "wo"),
                LoraTargets.resolve(FLAN_SMALL, List.of(LoraConfig.ALL_LINEAR)));
        // flan-t5-small, gated: 8 encoder blocks of 7, 8 decoder blocks of 11; its separate lm_head is not one.
        assertEquals(8 * 7 + 8 * 11, LoraTargets.modules(FLAN_SMALL, List.of(LoraConfig.ALL_LINEAR)).size());
    }

    @Test
    void aTargetTheArchitectureLacksMatchesNothing() {
        assertEquals(List.of(), LoraTargets.modules(FLAN_SMALL, List.of("wi")));
        assertEquals(16, LoraTargets.modules(FLAN_SMALL, List.of("wi", "wi_1")).size());
    }

    @Test
    void configurationsOutsidePeftsRangeAreRefused() {
        assertNull(LoraConfig.unknownTarget(List.of("q", "wi_0")));
        assertEquals("lm_head", LoraConfig.unknownTarget(List.of("q", "lm_head")));
        assertEquals("all-linear", LoraConfig.unknownTarget(List.of("q", "all-linear")));
        assertEquals("(none)", LoraConfig.unknownTarget(List.of()));
        assertThrows(IllegalArgumentException.class, () -> new LoraConfig(0, 16, 0, List.of("q")));
        assertThrows(IllegalArgumentException.class, () -> new LoraConfig(8, 16, 1, List.of("q")));
        assertEquals(2.0, new LoraConfig(8, 16, 0.05, List.of("q", "v")).scaling());
    }
}

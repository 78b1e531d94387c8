package dev.summarizer.training.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.summarizer.testing.Fixtures;
import org.junit.jupiter.api.Test;

/** The Trainer's schedules at hand-computed points (warmup 2, 10 steps, base rate 1). */
class LearningRateScheduleTest {

    @Test
    void linearWarmsUpFromZeroThenDecaysToZero() {
        var s = new LearningRateSchedule(LearningRateSchedule.Kind.LINEAR, 1.0, 2, 10);
        assertEquals(0.0, s.rate(0), 0, "the first update uses lr * 0 / warmup");
        assertEquals(0.5, s.rate(1), 1e-15);
        assertEquals(1.0, s.rate(2), 1e-15);
        assertEquals(0.5, s.rate(6), 1e-15, "(10 - 6) / (10 - 2)");
        assertEquals(0.125, s.rate(9), 1e-15);
        assertEquals(0.0, s.rate(10), 0);
        assertEquals(0.0, s.rate(12), 0, "never negative");
    }

    @Test
    void cosineFollowsHalfACosine() {
        var s = new LearningRateSchedule(LearningRateSchedule.Kind.COSINE, 1.0, 2, 10);
        assertEquals(0.5, s.rate(1), 1e-15);
        assertEquals(1.0, s.rate(2), 1e-15);
        assertEquals(0.5, s.rate(6), 1e-12, "halfway: (1 + cos(pi/2)) / 2");
        assertEquals((1 + Math.cos(Math.PI * 0.75)) / 2, s.rate(8), 1e-12);
        assertEquals(0.0, s.rate(10), 1e-12);
    }

    /** Every kind against transformers' get_scheduler (scripts/reference/schedule_fixtures.py). */
    @Test
    void everyKindMatchesTransformers() throws Exception {
        JsonNode cases = Fixtures.json(Fixtures.fixture("schedules.json")).get("cases");
        assertEquals(12, cases.size());
        for (JsonNode c : cases) {
            var kind = LearningRateSchedule.Kind.parse(c.get("type").asText());
            var s = new LearningRateSchedule(kind, c.get("base_rate").asDouble(), c.get("warmup_steps").asLong(),
                    c.get("total_steps").asLong());
            // The Trainer never steps past the total (where transformers' cosine rises again).
            for (int step = 0; step <= c.get("total_steps").asInt(); step++) {
                double expected = c.get("rates").get(step).asDouble();
                assertEquals(expected, s.rate(step), 1e-15, c.get("type").asText() + " warmup " + c.get("warmup_steps") + " total "
                        + c.get("total_steps") + " at step " + step);
            }
        }
    }

    @Test
    void constantIgnoresWarmupUnlessAskedFor() {
        assertEquals(3e-4, new LearningRateSchedule(LearningRateSchedule.Kind.CONSTANT, 3e-4, 4, 100).rate(0), 0);
        assertEquals(0.0, new LearningRateSchedule(LearningRateSchedule.Kind.CONSTANT_WITH_WARMUP, 3e-4, 4, 100).rate(0), 0);
        assertEquals(1.5e-4, new LearningRateSchedule(LearningRateSchedule.Kind.CONSTANT_WITH_WARMUP, 3e-4, 4, 100).rate(2), 1e-18);
    }
}

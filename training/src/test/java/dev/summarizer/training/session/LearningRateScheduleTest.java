package dev.summarizer.training.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

    @Test
    void constantHoldsAfterWarmup() {
        var s = new LearningRateSchedule(LearningRateSchedule.Kind.CONSTANT, 3e-4, 4, 100);
        assertEquals(1.5e-4, s.rate(2), 1e-18);
        assertEquals(3e-4, s.rate(4), 0);
        assertEquals(3e-4, s.rate(99), 0);
        assertEquals(3e-4, new LearningRateSchedule(LearningRateSchedule.Kind.CONSTANT, 3e-4, 0, 100).rate(0), 0);
    }
}

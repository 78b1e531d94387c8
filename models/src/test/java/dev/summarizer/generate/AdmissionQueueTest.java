package dev.summarizer.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Highest response ratio next, on hand-worked times (milliseconds written as nanoseconds). */
class AdmissionQueueTest {
    private static final long MS = 1_000_000;

    @Test
    void textsWithTheSameBudgetJoinOldestFirst() {
        AdmissionQueue<String> queue = new AdmissionQueue<>();
        queue.add("a", 0, 64);
        queue.add("b", 5 * MS, 64);
        queue.add("c", 5 * MS, 64);
        List<String> order = new ArrayList<>();
        while (!queue.isEmpty()) {
            order.add(queue.poll(100 * MS));
        }
        assertEquals(List.of("a", "b", "c"), order);
    }

    @Test
    void aShortTextOvertakesALongOneUntilTheLongOneHasWaitedLongEnough() {
        AdmissionQueue<String> queue = new AdmissionQueue<>();
        queue.add("long", 0, 64);
        queue.add("short", 100 * MS, 8);
        // At 110 ms: long 110/64 = 1.72 ms a step, short 10/8 = 1.25: the long one still goes first.
        assertEquals("long", queue.peek(110 * MS));
        // At 120 ms: long 120/64 = 1.875, short 20/8 = 2.5.
        assertEquals("short", queue.peek(120 * MS));
        // Where the ratios are equal (long t/64 = short (t - 100)/8 at t = 800/7 ms), the older one goes first.
        assertEquals("long", queue.peek(800 * MS / 7));
    }

    @Test
    void aLongTextIsNotStarvedByAStreamOfShortOnes() {
        AdmissionQueue<String> queue = new AdmissionQueue<>();
        queue.add("long", 0, 64);
        // A short text arrives every 10 ms and one text joins every 10 ms, 5 ms after each arrival: a short one that
        // waited 5 ms scores 5/8 = 0.625 ms a step, which the long one passes once it has waited 40 ms.
        String joined = null;
        long now = 0;
        for (int i = 0; i < 100 && !"long".equals(joined); i++) {
            queue.add("short " + i, now, 8);
            now += 5 * MS;
            joined = queue.poll(now);
            now += 5 * MS;
        }
        assertEquals("long", joined);
        assertEquals(45 * MS, now - 5 * MS);
    }

    @Test
    void waitsOfHoursDoNotOverflow() {
        AdmissionQueue<String> queue = new AdmissionQueue<>();
        long hour = 3_600_000 * MS;
        queue.add("old", 0, 100_000);
        queue.add("newer", 600 * hour, 50_000);
        // At 1000 h: old 1000 h / 100000 steps against newer 400 h / 50000. The cross products (1000 h x 50000, about
        // 1.8e20 ns) are past what 64 bits hold.
        assertEquals("old", queue.peek(1000 * hour));
        // 200 h later the ratios are equal (1200 / 100000 = 600 / 50000); one more hour and the newer one is ahead.
        assertEquals("old", queue.peek(1200 * hour));
        assertEquals("newer", queue.peek(1201 * hour));
    }

    @Test
    void removeAndClear() {
        AdmissionQueue<String> queue = new AdmissionQueue<>();
        assertNull(queue.peek(0));
        assertNull(queue.poll(0));
        queue.add("a", 0, 8);
        queue.add("b", 0, 8);
        queue.add("c", 0, 8);
        assertTrue(queue.remove("b"));
        assertFalse(queue.remove("b"));
        assertEquals(2, queue.size());
        assertEquals(List.of("a", "c"), queue.clear());
        assertTrue(queue.isEmpty());
        assertThrows(IllegalArgumentException.class, () -> queue.add("d", 0, 0));
    }
}

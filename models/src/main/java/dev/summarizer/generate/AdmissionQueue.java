package dev.summarizer.generate;

import java.util.ArrayList;
import java.util.List;

/**
 * The texts waiting for room in a continuous batch, and the order they join it in: highest response ratio next. A
 * text's ratio is the time it has waited over the decoder steps it may take (its {@code max_new_tokens}), so under a
 * mixed load a short summary does not queue behind long ones, while a long text's ratio keeps growing as it waits until
 * no newcomer can overtake it: nothing starves. Texts with the same budget join oldest first.
 *
 * <p>Why not oldest first: with more clients than rows, a short text's latency is mostly its wait for a row, and under
 * first come, first served that wait is set by the long texts ahead of it. Why not shortest first: a steady stream of
 * short texts would keep a long one out for ever.
 */
final class AdmissionQueue<T> {
    private record Entry<T>(T item, long queuedNanos, int steps, long order) {}

    private final List<Entry<T>> entries = new ArrayList<>();
    private long added;

    /** Queues {@code item}, which may take up to {@code steps} decoder steps, at time {@code nowNanos}. */
    void add(T item, long nowNanos, int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("a text takes at least one step, got " + steps);
        }
        entries.add(new Entry<>(item, nowNanos, steps, added++));
    }

    /** Takes {@code item} out of the queue; false when it was not there. */
    boolean remove(T item) {
        return entries.removeIf(e -> e.item() == item);
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    int size() {
        return entries.size();
    }

    /** The text that joins next at time {@code nowNanos}; null when none waits. */
    T peek(long nowNanos) {
        int next = next(nowNanos);
        return next < 0 ? null : entries.get(next).item();
    }

    /** Takes out and returns the text {@link #peek} gives for the same time. */
    T poll(long nowNanos) {
        int next = next(nowNanos);
        return next < 0 ? null : entries.remove(next).item();
    }

    /** Takes out every waiting text, oldest first. */
    List<T> clear() {
        List<T> items = new ArrayList<>();
        for (Entry<T> e : entries) {
            items.add(e.item());
        }
        entries.clear();
        return items;
    }

    private int next(long nowNanos) {
        int best = -1;
        for (int i = 0; i < entries.size(); i++) {
            if (best < 0 || before(entries.get(i), entries.get(best), nowNanos)) {
                best = i;
            }
        }
        return best;
    }

    /** Whether {@code a}'s ratio beats {@code b}'s: waitedA / stepsA > waitedB / stepsB, cross-multiplied. */
    private static boolean before(Entry<?> a, Entry<?> b, long nowNanos) {
        int compared = compareProducts(Math.max(0, nowNanos - a.queuedNanos()), b.steps(),
                Math.max(0, nowNanos - b.queuedNanos()), a.steps());
        return compared != 0 ? compared > 0 : a.order() < b.order();
    }

    /** Compares x1 * y1 with x2 * y2 for non-negative factors, in 128 bits so that no wait is too long. */
    private static int compareProducts(long x1, long y1, long x2, long y2) {
        int high = Long.compare(Math.multiplyHigh(x1, y1), Math.multiplyHigh(x2, y2));
        return high != 0 ? high : Long.compareUnsigned(x1 * y1, x2 * y2);
    }
}

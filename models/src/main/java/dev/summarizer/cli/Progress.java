package dev.summarizer.cli;

/** A progress line on stderr for long runs: done/total, rate and time left, at most every two seconds. */
public final class Progress {
    private final String verb;
    private final int total;
    private final long start = System.nanoTime();
    private long lastPrint = start;

    public Progress(String verb, int total) {
        this.verb = verb;
        this.total = total;
    }

    public void update(int done) {
        long now = System.nanoTime();
        if (done < total && now - lastPrint < 2_000_000_000L) {
            return;
        }
        lastPrint = now;
        double seconds = (now - start) / 1e9;
        double rate = done / Math.max(seconds, 1e-9);
        String eta = done < total ? String.format(", %.0f s left", (total - done) / Math.max(rate, 1e-9)) : "";
        if (total > 1) {
            System.err.printf("%s %d/%d (%.2f/s%s)%n", verb, done, total, rate, eta);
        }
    }
}

package dev.summarizer.training.train;

import java.io.PrintStream;

/**
 * The live progress line: step, loss, learning rate, steps per second and time left. On a terminal it
 * redraws one line; otherwise (a log file, CI) it prints a line every few seconds.
 */
final class ProgressBar {
    private final PrintStream out;
    private final boolean terminal;
    private final long totalSteps;
    private final long startStep;
    private final long startNanos = System.nanoTime();
    private long lastPrint;
    private boolean drawn;

    ProgressBar(PrintStream out, long totalSteps, long startStep) {
        this.out = out;
        this.terminal = System.console() != null;
        this.totalSteps = totalSteps;
        this.startStep = startStep;
    }

    void update(long step, double loss, double learningRate) {
        long now = System.nanoTime();
        if (!terminal && now - lastPrint < 5_000_000_000L && step < totalSteps) {
            return;
        }
        lastPrint = now;
        double seconds = (now - startNanos) / 1e9;
        double rate = (step - startStep) / Math.max(seconds, 1e-9);
        long left = rate > 0 ? Math.round((totalSteps - step) / rate) : 0;
        int width = 24;
        int filled = (int) (width * step / Math.max(1, totalSteps));
        String bar = "#".repeat(filled) + ".".repeat(width - filled);
        String line = String.format("[%s] step %d/%d  loss %.4f  lr %.2e  %.2f steps/s  ETA %s", bar, step, totalSteps,
                loss, learningRate, rate, clock(left));
        if (terminal) {
            out.print("\r" + line + "   ");
            drawn = true;
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Prints a message on its own line, without breaking the progress line. */
    void message(String text) {
        if (drawn) {
            out.println();
            drawn = false;
        }
        out.println(text);
        out.flush();
    }

    void finish() {
        if (drawn) {
            out.println();
            drawn = false;
        }
    }

    static String clock(long seconds) {
        return seconds >= 3600 ? String.format("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format("%d:%02d", seconds / 60, seconds % 60);
    }
}

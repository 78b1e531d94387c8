package dev.summarizer;

import java.io.Console;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The one progress printer of the command line (downloads, summarizing a file, training steps), on stderr: what,
 * how much of how much, an optional detail (a training step's loss), rate and time left. On a terminal one line is
 * rewritten in place ({@code \r}) at most four times a second; in a log, a plain line every few seconds. Work that
 * finishes within the first interval prints only its final line.
 */
public final class Progress {
    /** What is counted: bytes (printed in decimal units) or things with a name ({@code rows}, {@code steps}). */
    public record Unit(String name, boolean bytes) {
        public static final Unit BYTES = new Unit("B", true);
        public static final Unit ROWS = of("rows");

        public static Unit of(String name) {
            return new Unit(name, false);
        }

        String amount(long n) {
            return bytes ? Units.bytes(n) : Units.count(n) + " " + name;
        }

        String partOf(long done, long total) {
            return bytes ? Units.bytes(done) + " / " + Units.bytes(total) : Units.count(done) + " / " + Units.count(total) + " " + name;
        }

        String rate(double perSecond) {
            if (bytes) {
                return Units.bytes(Math.round(perSecond)) + "/s";
            }
            return String.format(Locale.ROOT, perSecond >= 100 ? "%,.0f %s/s" : "%.2f %s/s", perSecond, name);
        }
    }

    private static final long TERMINAL_INTERVAL_NANOS = 250_000_000L;
    private static final long LOG_INTERVAL_NANOS = 5_000_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private final LongSupplier nanoClock;

    private String label;
    private Unit unit;
    private long total;
    private long initial;
    private long done;
    private long startNanos;
    private long lastPrintNanos;
    private int lineWidth;
    private String detail;

    public Progress(PrintStream out, boolean terminal, LongSupplier nanoClock) {
        this.out = out;
        this.terminal = terminal;
        this.nanoClock = nanoClock;
    }

    /** Progress on {@code err}, rewriting its line when the process runs in a terminal. */
    public static Progress on(PrintStream err) {
        return new Progress(err, runsInTerminal(), System::nanoTime);
    }

    /** Starts a transfer of {@code total} (-1: unknown) of which {@code initial} is already there. */
    public void begin(String label, long total, long initial, Unit unit) {
        this.label = label;
        this.unit = unit;
        this.total = total;
        this.initial = initial;
        this.done = initial;
        this.startNanos = nanoClock.getAsLong();
        this.lastPrintNanos = startNanos;
        this.detail = null;
    }

    public void update(long done) {
        update(done, null);
    }

    /** {@code detail} (null for none) is shown after the amount, e.g. a training step's loss and learning rate. */
    public void update(long done, String detail) {
        this.done = done;
        this.detail = detail;
        long now = nanoClock.getAsLong();
        if (now - lastPrintNanos < (terminal ? TERMINAL_INTERVAL_NANOS : LOG_INTERVAL_NANOS)) {
            return;
        }
        lastPrintNanos = now;
        String line = label + ": " + status(now);
        if (terminal) {
            out.print("\r" + line + " ".repeat(Math.max(0, lineWidth - line.length())));
            lineWidth = line.length();
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Ends the transfer with its summary: the amount, and the time and rate when it took a while. */
    public void end() {
        double seconds = (nanoClock.getAsLong() - startNanos) / 1e9;
        long moved = done - initial;
        String summary = unit.amount(done);
        if (seconds >= 1 && moved > 0) {
            summary += (initial > 0 ? ", " + unit.amount(moved) + " of it" : "") + " in " + Units.seconds(seconds)
                    + " (" + unit.rate(moved / seconds) + ")";
        }
        end(summary);
    }

    /** Ends the transfer with {@code text} as its last line. */
    public void end(String text) {
        line(label + ": " + text);
    }

    /** A line of its own, after clearing a progress line in place. */
    public void line(String text) {
        if (terminal && lineWidth > 0) {
            out.print("\r" + " ".repeat(lineWidth) + "\r");
            lineWidth = 0;
        }
        out.println(text);
        out.flush();
    }

    private String status(long now) {
        double seconds = (now - startNanos) / 1e9;
        double rate = seconds > 0 ? (done - initial) / seconds : 0;
        StringBuilder sb = new StringBuilder(total >= 0 ? unit.partOf(done, total) : unit.amount(done));
        if (total > 0) {
            sb.append(String.format(Locale.ROOT, " (%d%%)", done * 100 / total));
        }
        if (detail != null) {
            sb.append(", ").append(detail);
        }
        sb.append(", ").append(unit.rate(rate));
        if (total >= 0 && rate > 0) {
            sb.append(", ETA ").append(Units.duration((total - done) / rate));
        }
        return sb.toString();
    }

    /**
     * Whether this process runs in a terminal. Console.isTerminal() (Java 22) is asked where there is one:
     * some consoles exist even when the streams are redirected.
     */
    private static boolean runsInTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }
}

package dev.fovea.train;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;

/**
 * Keras-style progress: on a terminal a live bar redrawn in place (items/s, loss, accuracy, ETA);
 * otherwise plain lines, one per epoch plus one at most every {@code plainIntervalSeconds}
 * within long epochs, so logs stay readable. Live lines fit the terminal's width: the bar
 * narrows, then goes, and a redrawn line is cut rather than wrapped (a wrapped line cannot be
 * redrawn in place); an epoch's closing line continues on indented lines instead.
 */
public final class ProgressBar implements Callback {
    private static final int WIDTH = 30, MIN_WIDTH = 10;
    /** Terminal width when nothing says otherwise. */
    static final int DEFAULT_COLUMNS = 80;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter out;
    private final boolean live;
    private final long plainIntervalNanos;
    private final int columns;
    private int epochs;
    private int examples;
    private long epochStart;
    private long lastDraw;
    private String title;   // null: epochs are named ("Epoch 2/5")

    /** live: redraw in place (a terminal); otherwise print plain lines. */
    public ProgressBar(PrintWriter out, boolean live, double plainIntervalSeconds) {
        this(out, live, plainIntervalSeconds, terminalColumns());
    }

    /** As above, for a terminal {@code columns} characters wide. */
    public ProgressBar(PrintWriter out, boolean live, double plainIntervalSeconds, int columns) {
        this.out = out;
        this.live = live;
        this.plainIntervalNanos = (long) (plainIntervalSeconds * 1e9);
        this.columns = Math.max(20, columns);
    }

    /**
     * The terminal's width: Java cannot ask the terminal, so it is read from FOVEA_COLUMNS (the
     * fovea launcher sets it from stty) or COLUMNS (set by shells, not always exported), else 80.
     */
    static int terminalColumns() {
        for (String name : new String[] {"FOVEA_COLUMNS", "COLUMNS"}) {
            String v = System.getenv(name);
            if (v == null) continue;
            try {
                int c = Integer.parseInt(v.trim());
                if (c > 0) return c;
            } catch (NumberFormatException ignored) {
                // not a number: try the next
            }
        }
        return DEFAULT_COLUMNS;
    }

    /**
     * Names the work instead of the epoch, for a single pass that is not training (e.g. "predict"):
     * plain lines start with the title and the live bar has no "Epoch 1/1" line above it.
     */
    public ProgressBar title(String t) {
        this.title = t;
        return this;
    }

    /** To standard error, live when the JVM is attached to a terminal. */
    public static ProgressBar forConsole() {
        var console = System.console();
        return new ProgressBar(new PrintWriter(System.err, true), console != null && console.isTerminal(), 30);
    }

    @Override public void onTrainBegin(int epochs, int examples, int batchSize) {
        this.epochs = epochs;
        this.examples = examples;
    }

    @Override public void onEpochBegin(int epoch) {
        epochStart = System.nanoTime();
        lastDraw = epochStart;
        if (!live || title != null) return;
        out.print("Epoch " + (epoch + 1) + "/" + epochs + "\n");
    }

    @Override public void onBatchEnd(int epoch, int seen, Map<String, Double> logs) {
        long now = System.nanoTime();
        if (live) {
            if (now - lastDraw < REDRAW_NANOS && seen < examples) return;
            lastDraw = now;
            out.print("\r" + cut(withBar(seen, line(seen, now, logs))) + "\u001b[K");
            out.flush();
        } else if (now - lastDraw >= plainIntervalNanos && seen < examples) {
            lastDraw = now;
            out.println(prefix(epoch) + line(seen, now, logs));
        }
    }

    @Override public void onEpochEnd(int epoch, Map<String, Double> logs) {
        long now = System.nanoTime();
        double secs = (now - epochStart) / 1e9;
        StringBuilder sb = new StringBuilder();
        if (!live) sb.append(prefix(epoch));
        sb.append(String.format(Locale.ROOT, "%d/%d %.1fs %s img/s", examples, examples, secs, rate(examples / secs)));
        for (var e : logs.entrySet()) sb.append(String.format(Locale.ROOT, " %s %.4f", e.getKey(), e.getValue()));
        if (live) out.println("\r" + wrap(withBar(examples, sb.toString())).replaceFirst("\n|$", "\u001b[K$0"));
        else out.println(sb);
        out.flush();
    }

    private String prefix(int epoch) {
        return title != null ? title + " " : "epoch " + (epoch + 1) + "/" + epochs + " ";
    }

    private String line(int seen, long now, Map<String, Double> logs) {
        double secs = Math.max(1e-9, (now - epochStart) / 1e9);
        double rate = seen / secs;
        long eta = Math.round((examples - seen) / Math.max(rate, 1e-9));
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%d/%d %s img/s", seen, examples, rate(rate)));
        for (var e : logs.entrySet()) sb.append(String.format(Locale.ROOT, " %s %.4f", e.getKey(), e.getValue()));
        sb.append(String.format(Locale.ROOT, " ETA %d:%02d", eta / 60, eta % 60));
        return sb.toString();
    }

    /** The bar in front of text, as wide as fits in a line (at most 30), or no bar when under 10 would. */
    String withBar(int seen, String text) {
        int width = Math.min(WIDTH, columns - 1 - text.length() - 3);
        return width < MIN_WIDTH ? text : bar(seen, width) + " " + text;
    }

    /** At most columns - 1 characters, so the cursor never wraps. */
    String cut(String line) {
        return line.length() < columns ? line : line.substring(0, columns - 1);
    }

    /** Broken at spaces into lines of at most columns - 1 characters, continuation lines indented. */
    String wrap(String line) {
        StringBuilder out = new StringBuilder();
        int limit = columns - 1;
        String rest = line;
        while (rest.length() > limit) {
            int at = rest.lastIndexOf(' ', limit);
            if (at <= 2) at = limit;   // no space to break at: cut
            out.append(rest, 0, at).append('\n');
            rest = "  " + rest.substring(at).strip();
        }
        return out.append(rest).toString();
    }

    private String bar(int seen, int width) {
        int filled = (int) ((long) width * seen / Math.max(1, examples));
        return "[" + "=".repeat(Math.max(0, filled - 1)) + (filled > 0 ? (filled == width ? "=" : ">") : "")
                + ".".repeat(width - filled) + "]";
    }

    /** Whole images per second, with a decimal below 10 (a large model runs at "0.5 img/s", not "0"). */
    private static String rate(double imagesPerSecond) {
        return String.format(Locale.ROOT, imagesPerSecond < 10 ? "%.1f" : "%.0f", imagesPerSecond);
    }
}

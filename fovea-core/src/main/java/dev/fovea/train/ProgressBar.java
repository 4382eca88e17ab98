package dev.fovea.train;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;

/**
 * Keras-style progress: on a terminal a live bar redrawn in place (items/s, loss, accuracy, ETA);
 * otherwise plain lines, one per epoch plus one at most every {@code plainIntervalSeconds}
 * within long epochs, so logs stay readable.
 */
public final class ProgressBar implements Callback {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter out;
    private final boolean live;
    private final long plainIntervalNanos;
    private int epochs;
    private int examples;
    private long epochStart;
    private long lastDraw;
    private String title;   // null: epochs are named ("Epoch 2/5")

    /** live: redraw in place (a terminal); otherwise print plain lines. */
    public ProgressBar(PrintWriter out, boolean live, double plainIntervalSeconds) {
        this.out = out;
        this.live = live;
        this.plainIntervalNanos = (long) (plainIntervalSeconds * 1e9);
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
            out.print("\r" + line(seen, now, logs) + "\u001b[K");
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
        if (live) sb.append('\r').append(bar(examples)).append(' ');
        else sb.append(prefix(epoch));
        sb.append(String.format(Locale.ROOT, "%d/%d %.1fs %.0f img/s", examples, examples, secs, examples / secs));
        for (var e : logs.entrySet()) sb.append(String.format(Locale.ROOT, " %s %.4f", e.getKey(), e.getValue()));
        if (live) sb.append("\u001b[K");
        out.println(sb);
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
        if (live) sb.append(bar(seen)).append(' ');
        sb.append(String.format(Locale.ROOT, "%d/%d %.0f img/s", seen, examples, rate));
        for (var e : logs.entrySet()) sb.append(String.format(Locale.ROOT, " %s %.4f", e.getKey(), e.getValue()));
        sb.append(String.format(Locale.ROOT, " ETA %d:%02d", eta / 60, eta % 60));
        return sb.toString();
    }

    private String bar(int seen) {
        int filled = (int) ((long) WIDTH * seen / Math.max(1, examples));
        return "[" + "=".repeat(Math.max(0, filled - 1)) + (filled > 0 ? (filled == WIDTH ? "=" : ">") : "")
                + ".".repeat(WIDTH - filled) + "]";
    }
}

package dev.fovea.serve;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * Counters, gauges and histograms in the Prometheus text exposition format (version 0.0.4),
 * written by hand: the format is a few lines per series and a client library would be the
 * server's only dependency. Series are keyed by name and a pre-rendered label set.
 */
final class Metrics {
    private record Key(String name, String labels) implements Comparable<Key> {
        @Override public int compareTo(Key o) {
            int c = name.compareTo(o.name);
            return c != 0 ? c : labels.compareTo(o.labels);
        }
    }

    private final Map<String, String> help = new ConcurrentHashMap<>();
    private final Map<String, String> types = new ConcurrentHashMap<>();
    private final Map<Key, LongAdder> counters = new ConcurrentHashMap<>();
    private final Map<Key, DoubleSupplier> gauges = new ConcurrentHashMap<>();
    private final Map<Key, Histogram> histograms = new ConcurrentHashMap<>();

    /** Latency buckets in seconds: from a fast forward pass to the default timeout. */
    static final double[] SECONDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    /** Batch-size buckets. */
    static final double[] SIZES = {1, 2, 4, 8, 16, 32, 64, 128};

    void describe(String name, String type, String text) {
        help.put(name, text);
        types.put(name, type);
    }

    void inc(String name, String labels) {
        counters.computeIfAbsent(new Key(name, labels), k -> new LongAdder()).increment();
    }

    long count(String name, String labels) {
        LongAdder a = counters.get(new Key(name, labels));
        return a == null ? 0 : a.sum();
    }

    void gauge(String name, String labels, DoubleSupplier value) {
        gauges.put(new Key(name, labels), value);
    }

    void observe(String name, String labels, double[] buckets, double value) {
        histograms.computeIfAbsent(new Key(name, labels), k -> new Histogram(buckets)).observe(value);
    }

    /** label="value" pairs, values escaped as the format asks. */
    static String labels(String... kv) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < kv.length; i += 2) {
            if (b.length() > 0) b.append(',');
            b.append(kv[i]).append("=\"").append(kv[i + 1].replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"');
        }
        return b.toString();
    }

    String render() {
        Map<Key, String> lines = new TreeMap<>();
        counters.forEach((k, v) -> lines.put(k, series(k.name, k.labels, "", v.sum())));
        gauges.forEach((k, v) -> lines.put(k, series(k.name, k.labels, "", v.getAsDouble())));
        histograms.forEach((k, h) -> lines.put(k, h.render(k.name, k.labels)));
        StringBuilder out = new StringBuilder();
        String last = null;
        for (var e : lines.entrySet()) {
            String name = e.getKey().name;
            if (!name.equals(last)) {
                out.append("# HELP ").append(name).append(' ').append(help.getOrDefault(name, name)).append('\n');
                out.append("# TYPE ").append(name).append(' ').append(types.getOrDefault(name, "untyped")).append('\n');
                last = name;
            }
            out.append(e.getValue());
        }
        return out.toString();
    }

    private static String series(String name, String labels, String suffix, double value) {
        return name + suffix + (labels.isEmpty() ? "" : "{" + labels + "}") + " " + number(value) + "\n";
    }

    private static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return Double.toString(v);
    }

    /** Cumulative buckets, sum and count, as Prometheus histograms are. */
    private static final class Histogram {
        private final double[] bounds;
        private final LongAdder[] buckets;
        private final DoubleAdder sum = new DoubleAdder();
        private final LongAdder count = new LongAdder();

        Histogram(double[] bounds) {
            this.bounds = bounds;
            this.buckets = new LongAdder[bounds.length];
            for (int i = 0; i < bounds.length; i++) buckets[i] = new LongAdder();
        }

        void observe(double v) {
            for (int i = 0; i < bounds.length; i++) {
                if (v <= bounds[i]) {
                    buckets[i].increment();
                    break;
                }
            }
            sum.add(v);
            count.increment();
        }

        String render(String name, String labels) {
            StringBuilder b = new StringBuilder();
            String sep = labels.isEmpty() ? "" : labels + ",";
            long cumulative = 0;
            for (int i = 0; i < bounds.length; i++) {
                cumulative += buckets[i].sum();
                b.append(name).append("_bucket{").append(sep).append("le=\"").append(number(bounds[i])).append("\"} ").append(cumulative).append('\n');
            }
            long n = count.sum();
            b.append(name).append("_bucket{").append(sep).append("le=\"+Inf\"} ").append(n).append('\n');
            b.append(series(name, labels, "_sum", sum.sum()));
            b.append(series(name, labels, "_count", n));
            return b.toString();
        }
    }
}

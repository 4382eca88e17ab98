package dev.fovea.cli;


import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The numbers {@code fovea bench} reports, as a JSON-ready map and as text. */
final class BenchReport {
    /** Metric key, its name for people and its unit. */
    private record Metric(String key, String name, String unit) {}

    private static final List<Metric> METRICS = List.of(
            new Metric("train_img_s", "training", "img/s"),
            new Metric("infer_img_s", "inference", "img/s"),
            new Metric("latency_b1_ms", "latency (batch 1)", "ms"),
            new Metric("gflops_train", "training", "GFLOP/s"),
            new Metric("gflops_infer", "inference", "GFLOP/s"),
            new Metric("gemm_gflops", "GEMM", "GFLOP/s"),
            new Metric("alloc_bytes_per_step", "allocated", "B/step"),
            new Metric("alloc_bytes_per_inference", "allocated", "B/batch"),
            new Metric("alloc_bytes_per_call", "allocated", "B/call"));

    private BenchReport() {}

    /** Machine, JVM and run settings shared by every workload of a run. */
    static Map<String, Object> environment(int threads, int repetitions) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("threads", threads);
        e.put("repetitions", repetitions);
        e.put("jdk", ProcessStats.jdk());
        e.put("gc", ProcessStats.gcNames());
        e.put("max_heap_mb", mb(ProcessStats.maxHeapBytes()));
        e.put("cpu", ProcessStats.cpuModel());
        e.put("cores", ProcessStats.cores());
        e.put("fovea_version", Version.fovea());
        e.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        return e;
    }

    static Map<String, Object> warmup(WarmupPolicy policy, WarmupPolicy.Result r) {
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("rounds", r.rounds());
        w.put("seconds", r.seconds());
        w.put("stable", r.stable());
        w.put("rule", String.format(Locale.ROOT, "until two consecutive rounds agree within %.0f%% on every metric, after >= %d rounds and >= %s s; at most %s s but at least %d rounds",
                policy.tolerance() * 100, policy.minRounds(), policy.minSeconds(), policy.maxSeconds(), policy.minRounds()));
        return w;
    }

    /** For each metric: its median under its own key, and key_min, key_q1, key_q3, key_max. */
    static Map<String, Object> stats(List<Map<String, Double>> reps) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String key : reps.get(0).keySet()) {
            double[] v = new double[reps.size()];
            for (int i = 0; i < v.length; i++) v[i] = reps.get(i).get(key);
            if (anyNaN(v)) {
                out.put(key, null);   // the JVM could not count it
                continue;
            }
            SampleStats s = SampleStats.of(v);
            out.put(key, s.median());
            out.put(key + "_min", s.min());
            out.put(key + "_q1", s.q1());
            out.put(key + "_q3", s.q3());
            out.put(key + "_max", s.max());
        }
        return out;
    }

    /** Replaces NaN values (which JSON cannot hold) by null. */
    static Map<String, Object> jsonSafe(Map<String, Double> values) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (var e : values.entrySet()) m.put(e.getKey(), Double.isNaN(e.getValue()) ? null : e.getValue());
        return m;
    }

    static String text(String label, Map<String, Object> report) {
        StringBuilder b = new StringBuilder();
        b.append(label).append(": ");
        if (report.containsKey("model")) {
            b.append(report.get("model")).append(", input ").append(report.get("input_shape"))
                    .append(", batch ").append(report.get("batch")).append(", ");
        }
        @SuppressWarnings("unchecked") Map<String, Object> w = (Map<String, Object>) report.get("warmup");
        b.append(String.format(Locale.ROOT, "%s threads, JDK %s%n  %s repetitions after warm-up (%s rounds, %.1f s, %s)%n",
                report.get("threads"), Runtime.version(), report.get("repetitions"), w.get("rounds"), (Double) w.get("seconds"),
                Boolean.TRUE.equals(w.get("stable")) ? "stable" : "NOT stable: timings may still include JIT compilation"));
        b.append(String.format(Locale.ROOT, "  %-18s %12s %-8s %12s %12s %12s %12s%n", "", "median", "", "min", "q1", "q3", "max"));
        for (Metric m : METRICS) {
            if (!report.containsKey(m.key())) continue;
            Object med = report.get(m.key());
            if (med == null) {
                b.append(String.format(Locale.ROOT, "  %-18s %12s %-8s%n", m.name(), "n/a", m.unit()));
                continue;
            }
            b.append(String.format(Locale.ROOT, "  %-18s %12s %-8s %12s %12s %12s %12s%n", m.name(), num(med), m.unit(),
                    num(report.get(m.key() + "_min")), num(report.get(m.key() + "_q1")),
                    num(report.get(m.key() + "_q3")), num(report.get(m.key() + "_max"))));
        }
        if (report.containsKey("mflop_train_per_image")) {
            b.append(String.format(Locale.ROOT, "  FLOPs: %.2f MFLOP per image per training step (%s)%n",
                    (Double) report.get("mflop_train_per_image"), report.get("flop_count")));
        }
        b.append(String.format(Locale.ROOT, "  memory: peak heap %s MB (sum of pool peaks), live heap %s MB after GC, peak RSS %s MB; %s GCs during the repetitions%n",
                num(report.get("peak_heap_mb")), num(report.get("live_heap_mb")), num(report.get("peak_rss_mb")), report.get("gc_during_reps")));
        return b.toString();
    }

    static double mb(long bytes) { return bytes < 0 ? -1 : bytes / (1024.0 * 1024.0); }

    private static String num(Object o) {
        if (!(o instanceof Number n)) return String.valueOf(o);
        double v = n.doubleValue();
        if (Math.abs(v) >= 1000) return String.format(Locale.ROOT, "%,.0f", v);
        if (Math.abs(v) >= 10) return String.format(Locale.ROOT, "%.1f", v);
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static boolean anyNaN(double[] v) {
        for (double x : v) if (Double.isNaN(x)) return true;
        return false;
    }
}

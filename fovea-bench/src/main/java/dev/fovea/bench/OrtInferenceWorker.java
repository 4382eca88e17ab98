package dev.fovea.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.fovea.json.Json;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * ONNX Runtime for Java running an image model, measured exactly as {@code fovea bench
 * --inference-only} measures Fovea (see dev.fovea.train.InferenceBenchmark): per repetition a
 * window of calls at --batch, then a window of batch-1 calls, after one untimed call each; windows
 * calibrated during warm-up (the rule of fovea bench's WarmupPolicy: two consecutive rounds within
 * 5% after at least 3 rounds and --warmup-min seconds, at most --warmup-max) to half of --rep-seconds each. Speaks
 * the {@code --driven} line protocol of {@code fovea bench} (ready, one rep per "rep", summary on
 * "done"), so bench/compare_models.py can alternate it with Fovea and PyTorch.
 *
 * <p>Session: all graph optimisations, --threads intra-op threads, sequential execution. Input
 * (N, C, H, W) uniform in [0, 1), from --input-shape H,W,C.
 *
 * <pre>
 *   java -cp fovea-bench/target/benchmarks.jar dev.fovea.bench.OrtInferenceWorker --model m.onnx --input-shape 224,224,3 --batch 16
 * </pre>
 */
public final class OrtInferenceWorker {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final String input;
    private final int batch;
    private final int[] chw;
    private final double repSeconds;
    private OnnxTensor batchX, oneX;
    private int inferCalls = 2, latencyCalls = 3;

    private OrtInferenceWorker(String model, int batch, int[] hwc, int threads, double repSeconds) throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        o.setIntraOpNumThreads(threads);
        o.setInterOpNumThreads(1);
        o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        this.session = env.createSession(model, o);
        this.input = session.getInputNames().iterator().next();
        this.batch = batch;
        this.chw = new int[] {hwc[2], hwc[0], hwc[1]};
        this.repSeconds = repSeconds;
        SplittableRandom rng = new SplittableRandom(42);
        this.batchX = images(batch, rng);
        this.oneX = images(1, rng);
    }

    private OnnxTensor images(int n, SplittableRandom rng) throws OrtException {
        float[] d = new float[n * chw[0] * chw[1] * chw[2]];
        for (int i = 0; i < d.length; i++) d[i] = (float) rng.nextDouble();
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(d), new long[] {n, chw[0], chw[1], chw[2]});
    }

    private void call(OnnxTensor x) {
        try (OrtSession.Result r = session.run(Map.of(input, x))) {
            if (r.size() == 0) throw new IllegalStateException("model gave no output");
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        }
    }

    private Map<String, Double> repetition() {
        call(batchX);
        long t0 = System.nanoTime();
        for (int i = 0; i < inferCalls; i++) call(batchX);
        double imgPerSec = (double) inferCalls * batch / ((System.nanoTime() - t0) / 1e9);
        call(oneX);
        long t1 = System.nanoTime();
        for (int i = 0; i < latencyCalls; i++) call(oneX);
        double latencyMs = (System.nanoTime() - t1) / 1e6 / latencyCalls;
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("infer_img_s", imgPerSec);
        m.put("latency_b1_ms", latencyMs);
        return m;
    }

    /** Rounds of repetitions, recalibrating, until two consecutive ones agree within 5% (>= 3 rounds, >= min s), or max s. */
    private Map<String, Object> warmUp(double minSeconds, double maxSeconds) {
        long start = System.nanoTime();
        double[] previous = null;
        int rounds = 0;
        boolean stable;
        double seconds;
        while (true) {
            Map<String, Double> r = repetition();
            calibrate(r);
            double[] current = {r.get("infer_img_s"), r.get("latency_b1_ms")};
            rounds++;
            seconds = (System.nanoTime() - start) / 1e9;
            stable = previous != null && Math.abs(previous[0] - current[0]) <= 0.05 * Math.max(previous[0], current[0])
                    && Math.abs(previous[1] - current[1]) <= 0.05 * Math.max(previous[1], current[1]);
            if ((stable && rounds >= 3 && seconds >= minSeconds) || (seconds >= maxSeconds && rounds >= 3)) break;
            previous = current;
        }
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("rounds", rounds);
        w.put("seconds", seconds);
        w.put("stable", stable);
        return w;
    }

    private void calibrate(Map<String, Double> r) {
        double half = repSeconds / 2;
        inferCalls = (int) Math.max(2, Math.min(1_000_000, Math.ceil(half * r.get("infer_img_s") / batch)));
        latencyCalls = (int) Math.max(3, Math.min(1_000_000, Math.ceil(half / (r.get("latency_b1_ms") / 1e3))));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = options(args);
        String model = require(a, "--model");
        int batch = Integer.parseInt(a.getOrDefault("--batch", "16"));
        int threads = Integer.parseInt(a.getOrDefault("--threads", String.valueOf(Runtime.getRuntime().availableProcessors())));
        String[] s = a.getOrDefault("--input-shape", "224,224,3").split(",");
        int[] hwc = {Integer.parseInt(s[0].trim()), Integer.parseInt(s[1].trim()), Integer.parseInt(s[2].trim())};
        double repSeconds = Double.parseDouble(a.getOrDefault("--rep-seconds", "1"));
        double warmupMin = Double.parseDouble(a.getOrDefault("--warmup-min", "2"));
        double warmupMax = Double.parseDouble(a.getOrDefault("--warmup-max", "20"));
        int repetitions = Integer.parseInt(a.getOrDefault("--repetitions", "5"));
        boolean driven = a.containsKey("--driven");

        OrtInferenceWorker w = new OrtInferenceWorker(model, batch, hwc, threads, repSeconds);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("framework", "onnxruntime");
        config.put("onnxruntime", OrtEnvironment.getEnvironment().getVersion());
        config.put("model", model);
        config.put("input_shape", List.of(hwc[0], hwc[1], hwc[2]));
        config.put("batch", batch);
        config.put("threads", threads);
        double loadBefore = loadAverage();
        Map<String, Object> warmup = w.warmUp(warmupMin, warmupMax);
        Map<String, Object> windows = new LinkedHashMap<>();
        windows.put("infer_calls", w.inferCalls);
        windows.put("latency_calls", w.latencyCalls);
        if (driven) {
            Map<String, Object> ready = new LinkedHashMap<>(Map.of("event", "ready"));
            ready.putAll(config);
            ready.put("warmup", warmup);
            ready.put("windows", windows);
            System.out.println(Json.write(ready));
        }
        List<Map<String, Double>> reps = new ArrayList<>();
        if (driven) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null && !line.trim().equals("done"); line = in.readLine()) {
                if (!line.trim().equals("rep")) throw new IllegalArgumentException("--driven: expected \"rep\" or \"done\", got \"" + line + "\"");
                reps.add(w.repetition());
                Map<String, Object> event = new LinkedHashMap<>(Map.of("event", "rep"));
                event.put("index", reps.size() - 1);
                event.putAll(reps.getLast());
                System.out.println(Json.write(event));
            }
        } else {
            for (int i = 0; i < repetitions; i++) reps.add(w.repetition());
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        if (driven) summary.put("event", "summary");
        summary.putAll(config);
        summary.put("repetitions", reps.size());
        summary.put("warmup", warmup);
        summary.put("windows", windows);
        for (String key : new String[] {"infer_img_s", "latency_b1_ms"}) {
            double[] v = reps.stream().mapToDouble(r -> r.get(key)).toArray();
            if (v.length == 0) continue;
            double[] sorted = v.clone();
            java.util.Arrays.sort(sorted);
            int mid = sorted.length / 2;
            summary.put(key, sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2);
            summary.put(key + "_min", sorted[0]);
            summary.put(key + "_max", sorted[sorted.length - 1]);
        }
        summary.put("load_avg_before", loadBefore);
        summary.put("load_avg_after", loadAverage());
        System.out.println(Json.write(summary));
        System.out.flush();
        System.exit(0);   // ORT's native threads need not be waited for
    }

    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) throw new IllegalArgumentException("unexpected argument " + args[i]);
            if (args[i].equals("--driven")) m.put("--driven", "true");
            else if (i + 1 < args.length) m.put(args[i], args[++i]);
            else throw new IllegalArgumentException(args[i] + " needs a value");
        }
        return m;
    }

    private static String require(Map<String, String> a, String key) {
        String v = a.get(key);
        if (v == null) throw new IllegalArgumentException(key + " is required");
        return v;
    }
}

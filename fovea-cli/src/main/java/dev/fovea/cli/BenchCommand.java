package dev.fovea.cli;

import dev.fovea.json.Json;
import dev.fovea.model.Model;
import dev.fovea.model.Presets;
import dev.fovea.tensor.Parallel;
import dev.fovea.tensor.Shape;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code fovea bench}: end-to-end training and inference speed on synthetic data. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure training throughput, inference throughput, batch-1 latency, achieved GFLOP/s and "
                + "allocation per training step on synthetic data (random pixels and labels).",
                "Without --model: W1 = the course-notes CNN on 28,28,1 and W2 = the same on 32,32,3.",
                "Each metric is the median over --repetitions after warm-up, with min, quartiles and max.",
                "--json prints one JSON object per workload, one per line (JSON Lines)."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "NAME|FILE",
            description = "A preset, a model.json architecture or a .fovea model (default: W1 and W2, the notes preset).")
    String model;

    @Option(names = "--input-shape", paramLabel = "H,W,C", description = "Per-image input shape (default: 28,28,1, or the file's own).")
    String inputShape;

    @Option(names = "--batch", defaultValue = "64", paramLabel = "N", description = "Batch size of training and inference (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--repetitions", defaultValue = "5", paramLabel = "N", description = "Measured repetitions after warm-up (default: ${DEFAULT-VALUE}).")
    int repetitions;

    @Option(names = "--rep-seconds", defaultValue = "1.0", paramLabel = "S",
            description = "Target length of a repetition's training window; inference and latency windows get half each (default: ${DEFAULT-VALUE}).")
    double repSeconds;

    @Option(names = "--warmup-min", defaultValue = "2", paramLabel = "S", description = "Warm up at least this long (default: ${DEFAULT-VALUE} s).")
    double warmupMin;

    @Option(names = "--warmup-max", defaultValue = "20", paramLabel = "S", description = "Stop warming up after this long even if not stable (default: ${DEFAULT-VALUE} s).")
    double warmupMax;

    @Option(names = "--warmup-tolerance", defaultValue = "0.05", paramLabel = "F",
            description = "Warm-up is stable when two consecutive rounds agree within this fraction (default: ${DEFAULT-VALUE}).")
    double warmupTolerance;

    @Option(names = "--inference-only",
            description = "Measure only inference throughput at --batch and batch-1 latency: no training, the model runs as loaded.")
    boolean inferenceOnly;

    @Option(names = "--gemm", paramLabel = "N", description = "Instead of a model, measure GEMM N x N x N (dev.fovea.ops.gemm.Gemm) in GFLOP/s.")
    Integer gemm;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Seed of the synthetic data (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--driven", hidden = true,
            description = "After warm-up, run one repetition per line \"rep\" read from standard input, then report on \"done\" (for bench/compare-pytorch.sh).")
    boolean driven;

    @Mixin CommonOptions common;

    @Override public Integer call() {
        common.apply();
        if (repetitions < 1) throw new CliException("--repetitions must be >= 1, got " + repetitions);
        if (batch < 1) throw new CliException("--batch must be >= 1, got " + batch);
        if (!(repSeconds > 0)) throw new CliException("--rep-seconds must be > 0, got " + repSeconds);
        WarmupPolicy policy;
        try {
            policy = new WarmupPolicy(warmupMin, warmupMax, warmupTolerance, 3);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        List<BenchWorkload> workloads = workloads();
        if (driven && workloads.size() != 1) throw new CliException("--driven runs one workload: give --model, --input-shape or --gemm");
        for (BenchWorkload w : workloads) run(w, policy);
        return 0;
    }

    private List<BenchWorkload> workloads() {
        TrainingBenchmark.Settings settings = new TrainingBenchmark.Settings(batch, repSeconds, seed);
        if (gemm != null) {
            if (model != null || inputShape != null || inferenceOnly) {
                throw new CliException("--gemm measures a matrix product; it takes no --model, --input-shape or --inference-only");
            }
            return List.of(new GemmWorkload(gemm, repSeconds, seed));
        }
        if (model == null && inputShape == null) {
            return List.of(notes("W1", Shape.of(28, 28, 1), settings), notes("W2", Shape.of(32, 32, 3), settings));
        }
        Shape shape = inputShape == null ? null : InputShapes.parse(inputShape);
        String spec = model == null ? "notes" : model;
        ModelSource.Resolved r = ModelSource.resolve(spec, shape);
        String label = spec;
        if (spec.equals("notes")) {
            Shape s = r.model().inputShape();
            label = s.equals(Shape.of(28, 28, 1)) ? "W1" : s.equals(Shape.of(32, 32, 3)) ? "W2" : "notes " + s;
        }
        return List.of(workload(label, r.description(), r.model(), settings));
    }

    private BenchWorkload notes(String label, Shape shape, TrainingBenchmark.Settings settings) {
        return workload(label, "preset notes", Presets.get("notes").factory().get().build(shape), settings);
    }

    private BenchWorkload workload(String label, String description, Model m, TrainingBenchmark.Settings settings) {
        return inferenceOnly ? new InferenceWorkload(label, description, m, settings) : new ModelWorkload(label, description, m, settings);
    }

    private void run(BenchWorkload w, WarmupPolicy policy) {
        double loadBefore = ProcessStats.loadAverage();
        common.err().println("fovea: bench " + w.label() + ": warming up (" + Parallel.threads() + " threads)");
        WarmupPolicy.Result warm = w.warmUp(policy);
        Map<String, Object> report = new LinkedHashMap<>(w.config());
        if (driven) {
            Map<String, Object> ready = new LinkedHashMap<>();
            ready.put("event", "ready");
            ready.putAll(report);
            ready.put("warmup", BenchReport.warmup(policy, warm));
            ready.put("windows", w.windows());
            println(Json.write(ready));
        }
        long gcBefore = ProcessStats.gcCount();
        List<Map<String, Double>> reps = driven ? drivenRepetitions(w) : repetitions(w);
        long gcDuring = ProcessStats.gcCount() - gcBefore;
        report.putAll(BenchReport.environment(Parallel.threads(), reps.size()));
        report.put("warmup", BenchReport.warmup(policy, warm));
        report.put("windows", w.windows());
        report.putAll(BenchReport.stats(reps));
        report.put("gc_during_reps", gcDuring);
        report.put("peak_heap_mb", BenchReport.mb(ProcessStats.peakHeapBytes()));
        report.put("live_heap_mb", BenchReport.mb(ProcessStats.liveHeapBytes()));
        report.put("peak_rss_mb", BenchReport.mb(ProcessStats.peakRssBytes()));
        report.put("load_avg_before", loadBefore);
        report.put("load_avg_after", ProcessStats.loadAverage());
        if (driven) {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("event", "summary");
            summary.putAll(report);
            println(Json.write(summary));
        } else if (common.json) {
            println(Json.write(report));
        } else {
            common.out().print(BenchReport.text(w.label(), report));
            common.out().flush();
        }
    }

    private List<Map<String, Double>> repetitions(BenchWorkload w) {
        List<Map<String, Double>> reps = new ArrayList<>();
        for (int i = 0; i < repetitions; i++) reps.add(w.repetition());
        return reps;
    }

    /** The --driven protocol: "rep" runs one repetition and prints it as a JSON line; "done" or end of input stops. */
    private List<Map<String, Double>> drivenRepetitions(BenchWorkload w) {
        List<Map<String, Double>> reps = new ArrayList<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try {
            for (String line = in.readLine(); line != null && !line.trim().equals("done"); line = in.readLine()) {
                if (!line.trim().equals("rep")) throw new CliException("--driven: expected \"rep\" or \"done\", got \"" + line + "\"");
                Map<String, Double> r = w.repetition();
                reps.add(r);
                Map<String, Object> event = new LinkedHashMap<>();
                event.put("event", "rep");
                event.put("index", reps.size() - 1);
                event.putAll(BenchReport.jsonSafe(r));
                println(Json.write(event));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (reps.isEmpty()) throw new CliException("--driven: no repetition was asked for");
        return reps;
    }

    private void println(String line) {
        common.out().println(line);
        common.out().flush();
    }
}

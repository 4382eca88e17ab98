package dev.fovea.cli;

import dev.fovea.model.Model;
import dev.fovea.train.ModelFlops;

import java.util.LinkedHashMap;
import java.util.Map;

/** Inference throughput and batch-1 latency of a model, no training ({@code --inference-only}; see {@link InferenceBenchmark}). */
final class InferenceWorkload implements BenchWorkload {
    private final String label;
    private final String description;
    private final Model model;
    private final int batch;
    private final long flopsPerImage;
    private final InferenceBenchmark bench;

    InferenceWorkload(String label, String description, Model model, TrainingBenchmark.Settings settings) {
        this.label = label;
        this.description = description;
        this.model = model;
        this.batch = settings.batch();
        this.flopsPerImage = ModelFlops.forwardPerImage(model);
        this.bench = new InferenceBenchmark(model, settings);
    }

    @Override public String label() { return label; }

    @Override public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("workload", label);
        c.put("model", description);
        c.put("input_shape", ModelWorkload.toList(model.inputShape()));
        c.put("batch", batch);
        c.put("inference_only", true);
        c.put("parameters", model.parameterCount());
        c.put("mflop_forward_per_image", flopsPerImage / 1e6);
        return c;
    }

    @Override public WarmupPolicy.Result warmUp(WarmupPolicy policy) { return bench.warmUp(policy); }

    @Override public Map<String, Object> windows() {
        InferenceBenchmark.Sizes s = bench.sizes();
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("infer_calls", s.inferCalls());
        w.put("latency_calls", s.latencyCalls());
        return w;
    }

    @Override public Map<String, Double> repetition() {
        InferenceBenchmark.Repetition r = bench.repetition();
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("infer_img_s", r.inferImgPerSec());
        m.put("latency_b1_ms", r.latencyMs());
        m.put("gflops_infer", r.inferImgPerSec() * flopsPerImage / 1e9);
        m.put("alloc_bytes_per_inference", r.allocBytesPerInference());
        return m;
    }
}

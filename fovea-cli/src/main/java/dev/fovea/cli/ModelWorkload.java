package dev.fovea.cli;

import dev.fovea.model.Model;
import dev.fovea.tensor.Shape;
import dev.fovea.train.ModelFlops;

import java.util.LinkedHashMap;
import java.util.Map;

/** Training, inference and batch-1 latency of a model (see {@link TrainingBenchmark}). */
final class ModelWorkload implements BenchWorkload {
    private final String label;
    private final String description;
    private final Model model;
    private final int batch;
    private final long trainFlopsPerImage;
    private final TrainingBenchmark bench;

    ModelWorkload(String label, String description, Model model, TrainingBenchmark.Settings settings) {
        this.label = label;
        this.description = description;
        this.model = model;
        this.batch = settings.batch();
        this.trainFlopsPerImage = ModelFlops.trainingPerImage(model);
        this.bench = new TrainingBenchmark(model, settings);
    }

    @Override public String label() { return label; }

    @Override public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("workload", label);
        c.put("model", description);
        c.put("input_shape", toList(model.inputShape()));
        c.put("batch", batch);
        c.put("parameters", model.parameterCount());
        c.put("mflop_forward_per_image", ModelFlops.forwardPerImage(model) / 1e6);
        c.put("mflop_train_per_image", trainFlopsPerImage / 1e6);
        c.put("flop_count", "per image: Conv2D 2*OH*OW*KH*KW*(C/groups)*F + Dense 2*I*U forward; training step = 3x forward");
        return c;
    }

    @Override public WarmupPolicy.Result warmUp(WarmupPolicy policy) { return bench.warmUp(policy); }

    @Override public Map<String, Object> windows() {
        TrainingBenchmark.Sizes s = bench.sizes();
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("train_steps", s.trainSteps());
        w.put("infer_calls", s.inferCalls());
        w.put("latency_calls", s.latencyCalls());
        return w;
    }

    @Override public Map<String, Double> repetition() {
        TrainingBenchmark.Repetition r = bench.repetition();
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("train_img_s", r.trainImgPerSec());
        m.put("infer_img_s", r.inferImgPerSec());
        m.put("latency_b1_ms", r.latencyMs());
        m.put("gflops_train", r.trainImgPerSec() * trainFlopsPerImage / 1e9);
        m.put("alloc_bytes_per_step", r.allocBytesPerStep());
        m.put("alloc_bytes_per_inference", r.allocBytesPerInference());
        return m;
    }

    static java.util.List<Integer> toList(Shape s) {
        java.util.List<Integer> l = new java.util.ArrayList<>();
        for (int d : s.toArray()) l.add(d);
        return l;
    }
}

package dev.fovea.cli;

import dev.fovea.FoveaException;
import dev.fovea.nn.Graph;
import dev.fovea.tensor.Tensor;

import java.util.SplittableRandom;

/**
 * Inference speed of a model on synthetic images (uniform pixels in [0, 1)), without training:
 * what a deployed model does. Nothing is compiled or trained, so an imported model is measured
 * exactly as loaded.
 *
 * <p>A repetition measures two windows, in this order:
 * <ul>
 *   <li>throughput: {@code calls} forward passes at the batch size, after one untimed pass;</li>
 *   <li>latency: forward passes of a single image, after one untimed pass; the window's mean.</li>
 * </ul>
 * Window lengths are calibrated during warm-up to about half of {@code repSeconds} each, then held
 * fixed, so every repetition does the same work. The throughput window also records the bytes the
 * JVM allocated during it (all threads).
 */
public final class InferenceBenchmark {
    private static final int MAX_CALLS = 1_000_000;

    /** Measured calls per window. */
    public record Sizes(int inferCalls, int latencyCalls) {}

    /** One repetition's results; allocation is NaN when the JVM cannot count it. */
    public record Repetition(double inferImgPerSec, double latencyMs, double allocBytesPerInference) {}

    private final Graph model;
    private final TrainingBenchmark.Settings settings;
    private final Tensor batchX;   // (B, ...input)
    private final Tensor oneX;     // (1, ...input)
    private Sizes sizes = new Sizes(2, 3);

    public InferenceBenchmark(Graph model, TrainingBenchmark.Settings settings) {
        if (!model.isBuilt()) throw new FoveaException("model " + model.name() + " must be built before benchmarking");
        this.model = model;
        this.settings = settings;
        SplittableRandom rng = new SplittableRandom(settings.seed());
        this.batchX = randomImages(settings.batch(), rng);
        this.oneX = randomImages(1, rng);
    }

    public Sizes sizes() { return sizes; }

    /** Runs rounds of repetitions, recalibrating window lengths, until the warm-up rule is met. */
    public WarmupPolicy.Result warmUp(WarmupPolicy policy) {
        return policy.run(() -> {
            Repetition r = repetition();
            calibrate(r);
            return new double[] {r.inferImgPerSec(), r.latencyMs()};
        });
    }

    /** One measured window of throughput and one of latency, with the current sizes. */
    public Repetition repetition() {
        model.infer(batchX);   // untimed: switch the layers' buffers to this batch size
        long a0 = AllocationCounter.totalBytes(), t0 = System.nanoTime();
        for (int i = 0; i < sizes.inferCalls(); i++) model.infer(batchX);
        long t1 = System.nanoTime(), a1 = AllocationCounter.totalBytes();
        double inferImgPerSec = (double) sizes.inferCalls() * settings.batch() / ((t1 - t0) / 1e9);
        double allocPerInference = a0 < 0 ? Double.NaN : (double) (a1 - a0) / sizes.inferCalls();

        model.infer(oneX);
        long t2 = System.nanoTime();
        for (int i = 0; i < sizes.latencyCalls(); i++) model.infer(oneX);
        double latencyMs = (System.nanoTime() - t2) / 1e6 / sizes.latencyCalls();
        return new Repetition(inferImgPerSec, latencyMs, allocPerInference);
    }

    private void calibrate(Repetition r) {
        double half = settings.repSeconds() / 2;
        sizes = new Sizes(clamp(half * r.inferImgPerSec() / settings.batch(), 2, MAX_CALLS),
                clamp(half / (r.latencyMs() / 1e3), 3, MAX_CALLS));
    }

    private static int clamp(double wanted, int min, int max) {
        if (!(wanted > min)) return min;   // also NaN
        return (int) Math.min(max, Math.ceil(wanted));
    }

    private Tensor randomImages(int n, SplittableRandom rng) {
        Tensor t = Tensor.zeros(model.inputShape().withBatch(n));
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = (float) rng.nextDouble();
        return t;
    }
}

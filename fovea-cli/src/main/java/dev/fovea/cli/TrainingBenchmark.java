package dev.fovea.cli;

import dev.fovea.FoveaException;
import dev.fovea.nn.Graph;
import dev.fovea.optim.Adam;
import dev.fovea.tensor.Tensor;
import dev.fovea.train.Callback;
import dev.fovea.train.ClassifierOutput;
import dev.fovea.train.FitOptions;
import dev.fovea.train.InMemoryData;
import dev.fovea.train.Trainer;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * End-to-end speed of a model on synthetic data (uniform pixels in [0, 1), uniform random labels):
 * training throughput, inference throughput at the training batch size, and batch-1 latency.
 *
 * <p>A repetition measures one window of each, in this order:
 * <ul>
 *   <li>training: {@link Trainer#fit} for {@code steps + 1} shuffled batches, with
 *       Adam and the loss Keras would use (fused softmax cross-entropy when the model ends in
 *       softmax); each step is gather batch, forward, loss and accuracy, backward, Adam update.
 *       The window runs from the end of the first batch to the end of the last, so fit's per-call
 *       setup and the switch from the other measurements stay outside it;</li>
 *   <li>inference: {@code calls} forward passes at the batch size (no dropout, output
 *       probabilities), after one untimed pass;</li>
 *   <li>latency: forward passes of a single image, after one untimed pass; the window's mean.</li>
 * </ul>
 * Window lengths are calibrated during warm-up to about {@code repSeconds} for training and half
 * that for each of the others, then held fixed, so every repetition does the same work. Each
 * window also records the bytes the JVM allocated during it (all threads).
 */
public final class TrainingBenchmark {
    private static final int MAX_TRAIN_STEPS = 64;   // bounds the synthetic data set's memory
    /**
     * Up to this many bytes of images the data set is made once, for the longest window, and every
     * window trains on a prefix of steps: regenerating it at each calibration left tens of MB of
     * garbage in the old generation, which showed up in the worker's peak RSS. Larger inputs grow
     * the data set with the calibrated window instead.
     */
    private static final long FIXED_DATA_BYTES = 256L << 20;
    private static final int MAX_CALLS = 1_000_000;

    /** What to measure: batch size, target window length, data seed. */
    public record Settings(int batch, double repSeconds, long seed) {
        public Settings {
            if (batch < 1) throw new FoveaException("batch must be >= 1, got " + batch);
            if (!(repSeconds > 0)) throw new FoveaException("repetition length must be > 0 seconds, got " + repSeconds);
        }
    }

    /** Measured training steps, inference calls and latency calls per window. */
    public record Sizes(int trainSteps, int inferCalls, int latencyCalls) {}

    /** One repetition's results; allocation is NaN when the JVM cannot count it. */
    public record Repetition(double trainImgPerSec, double inferImgPerSec, double latencyMs,
                             double allocBytesPerStep, double allocBytesPerInference) {}

    private final Graph model;
    private final Trainer trainer;
    private final Settings settings;
    private final Tensor batchX;   // (B, ...input)
    private final Tensor oneX;     // (1, ...input)
    private final StepClock clock = new StepClock();
    private final FitOptions fitOptions;
    private InMemoryData data;     // at least (trainSteps + 1) * B examples
    private Sizes sizes = new Sizes(2, 2, 5);

    /** Compiles the built model with Adam (learning rate 0.001) for sparse categorical cross-entropy. */
    public TrainingBenchmark(Graph model, Settings settings) {
        if (!model.isBuilt()) throw new FoveaException("model " + model.name() + " must be built before benchmarking");
        this.model = model;
        this.settings = settings;
        boolean fromLogits = ClassifierOutput.of(model).appliesSoftmax();
        this.trainer = new Trainer(model, new Adam(0.001), fromLogits ? Trainer.SPARSE_CCE + "_from_logits" : Trainer.SPARSE_CCE, List.of("accuracy"));
        SplittableRandom rng = new SplittableRandom(settings.seed());
        this.batchX = randomImages(settings.batch(), rng);
        this.oneX = randomImages(1, rng);
        this.fitOptions = FitOptions.epochs(1).batchSize(settings.batch()).seed(settings.seed()).callbacks(clock);
        long maxBytes = 4L * (MAX_TRAIN_STEPS + 1) * settings.batch() * model.inputShape().size();
        this.data = trainingData(maxBytes <= FIXED_DATA_BYTES ? MAX_TRAIN_STEPS : sizes.trainSteps());
    }

    public Sizes sizes() { return sizes; }

    /** The trainer the benchmark fits with (Adam, learning rate 0.001). */
    public Trainer trainer() { return trainer; }

    /** Runs rounds of repetitions, recalibrating window lengths, until the warm-up rule is met. */
    public WarmupPolicy.Result warmUp(WarmupPolicy policy) {
        return policy.run(() -> {
            Repetition r = repetition();
            calibrate(r);
            return new double[] {r.trainImgPerSec(), r.inferImgPerSec(), r.latencyMs()};
        });
    }

    /** One measured window of training, inference and latency, with the current sizes. */
    public Repetition repetition() {
        clock.reset();
        trainer.fit(data, fitOptions.maxSteps(sizes.trainSteps() + 1));
        if (clock.steps() != sizes.trainSteps()) throw new IllegalStateException("fit ran " + clock.steps() + " timed steps, expected " + sizes.trainSteps());
        double trainImgPerSec = (double) sizes.trainSteps() * settings.batch() / clock.seconds();
        double allocPerStep = perCall(clock.allocatedBytes(), sizes.trainSteps());

        model.infer(batchX);   // untimed: switch the layers' buffers to this batch size
        long a0 = AllocationCounter.totalBytes(), t0 = System.nanoTime();
        for (int i = 0; i < sizes.inferCalls(); i++) model.infer(batchX);
        long t1 = System.nanoTime(), a1 = AllocationCounter.totalBytes();
        double inferImgPerSec = (double) sizes.inferCalls() * settings.batch() / ((t1 - t0) / 1e9);
        double allocPerInference = a0 < 0 ? Double.NaN : perCall(a1 - a0, sizes.inferCalls());

        model.infer(oneX);
        long t2 = System.nanoTime();
        for (int i = 0; i < sizes.latencyCalls(); i++) model.infer(oneX);
        double latencyMs = (System.nanoTime() - t2) / 1e6 / sizes.latencyCalls();
        return new Repetition(trainImgPerSec, inferImgPerSec, latencyMs, allocPerStep, allocPerInference);
    }

    /** Sizes windows to the target lengths from a repetition's rates. */
    private void calibrate(Repetition r) {
        double target = settings.repSeconds();
        int steps = clamp(target * r.trainImgPerSec() / settings.batch(), 2, MAX_TRAIN_STEPS);
        int infer = clamp(target / 2 * r.inferImgPerSec() / settings.batch(), 2, MAX_CALLS);
        int latency = clamp(target / 2 / (r.latencyMs() / 1e3), 5, MAX_CALLS);
        if ((steps + 1) * settings.batch() > data.size()) data = trainingData(steps);
        sizes = new Sizes(steps, infer, latency);
    }

    private static int clamp(double wanted, int min, int max) {
        if (!(wanted > min)) return min;   // also NaN
        return (int) Math.min(max, Math.ceil(wanted));
    }

    private static double perCall(long bytes, int calls) {
        return bytes < 0 ? Double.NaN : (double) bytes / calls;
    }

    private InMemoryData trainingData(int timedSteps) {
        int n = (timedSteps + 1) * settings.batch();
        SplittableRandom rng = new SplittableRandom(settings.seed() + timedSteps);
        int classes = model.outputShape().dim(0);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = rng.nextInt(classes);
        return new InMemoryData(randomImages(n, rng), labels);
    }

    private Tensor randomImages(int n, SplittableRandom rng) {
        Tensor t = Tensor.zeros(model.inputShape().withBatch(n));
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = (float) rng.nextDouble();
        return t;
    }

    /**
     * Times fit's batches from the end of the first to the end of the last, and the bytes allocated
     * in between. Allocates nothing itself.
     */
    private static final class StepClock implements Callback {
        private int batchesSeen;
        private long firstNanos, lastNanos, firstBytes, lastBytes;

        void reset() { batchesSeen = 0; }

        @Override public void onBatchEnd(int epoch, int examplesSeen, Map<String, Double> runningLogs) {
            long now = System.nanoTime(), bytes = AllocationCounter.totalBytes();
            if (batchesSeen++ == 0) {
                firstNanos = now;
                firstBytes = bytes;
            }
            lastNanos = now;
            lastBytes = bytes;
        }

        int steps() { return batchesSeen - 1; }

        double seconds() { return (lastNanos - firstNanos) / 1e9; }

        long allocatedBytes() { return firstBytes < 0 ? -1 : lastBytes - firstBytes; }
    }
}

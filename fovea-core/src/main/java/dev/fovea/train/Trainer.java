package dev.fovea.train;

import dev.fovea.FoveaException;
import dev.fovea.nn.ActivatedLayer;
import dev.fovea.nn.ForwardContext;
import dev.fovea.nn.Graph;
import dev.fovea.nn.Parameter;
import dev.fovea.ops.SoftmaxCrossEntropyOp;
import dev.fovea.optim.Optimizer;
import dev.fovea.tensor.Buffer;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Fits, evaluates and predicts with a compiled model: loss sparse categorical cross-entropy,
 * metric accuracy. When the output layer ends in softmax, the loss is computed from its logits
 * (fused softmax cross-entropy), as Keras does, so training never takes log of a rounded-off 0.
 *
 * <p>Every step's randomness comes from a generator seeded by (run seed, global step), and every
 * epoch's order from (run seed, epoch): a run's state between steps is just {@link TrainingState},
 * so checkpoints resume bit-identically.
 */
public final class Trainer {
    /** The loss Fovea supports today, by its Keras name. */
    public static final String SPARSE_CCE = "sparse_categorical_crossentropy";
    private static final int EVAL_BATCH = 256;

    private final Graph model;
    private final Optimizer optimizer;
    private final boolean fusedSoftmax;   // output is softmax: work from its pre-activation
    private final List<String> metrics;
    private final Buffer probsBuf = new Buffer();
    private final Buffer gradBuf = new Buffer();
    private float[] exampleWeights = new float[0];
    private volatile boolean stopRequested;
    private final Cursor cursor = new Cursor();
    private static final ForwardContext DETERMINISTIC_TRAINING = new ForwardContext(true, null);

    public Trainer(Graph model, Optimizer optimizer, String loss, List<String> metrics) {
        this.model = model;
        this.optimizer = optimizer;
        boolean fromLogits = switch (loss.toLowerCase(Locale.ROOT)) {
            case SPARSE_CCE -> false;
            case "sparse_categorical_crossentropy_from_logits" -> true;
            default -> throw new FoveaException("unknown loss \"" + loss + "\"; accepted: " + SPARSE_CCE
                    + ", sparse_categorical_crossentropy_from_logits");
        };
        for (String m : metrics) {
            if (!m.equals("accuracy")) throw new FoveaException("unknown metric \"" + m + "\"; accepted: accuracy");
        }
        this.metrics = List.copyOf(metrics);
        if (model.outputShape().rank() != 1) {
            throw new FoveaException("classification needs a model output (classes,), got " + model.outputShape());
        }
        boolean softmaxOut = !ClassifierOutput.of(model).appliesSoftmax();
        if (!fromLogits && !softmaxOut) {
            throw new FoveaException("loss " + SPARSE_CCE + " expects probabilities, but output layer "
                    + model.outputLayer().name() + " does not end in softmax; add activation \"softmax\" or use "
                    + "sparse_categorical_crossentropy_from_logits");
        }
        if (fromLogits && softmaxOut) {
            throw new FoveaException("output layer " + model.outputLayer().name() + " ends in softmax, so its outputs are "
                    + "probabilities, not logits: use loss " + SPARSE_CCE);
        }
        if (softmaxOut && !(model.outputLayer() instanceof ActivatedLayer)) {
            // The loss is computed from the softmax's input (fused), which only activation layers keep.
            throw new FoveaException("output layer " + model.outputLayer().name() + " (" + model.outputLayer().className()
                    + ") gives probabilities the loss cannot work back from; end the model in activation \"softmax\" "
                    + "(e.g. Dense(classes, \"softmax\") or ActivationLayer(\"softmax\"))");
        }
        this.fusedSoftmax = softmaxOut;
    }

    /**
     * A trainer that only evaluates (no optimizer, so {@link #fit} is refused): loss sparse
     * categorical cross-entropy, from logits unless {@link ClassifierOutput} finds probabilities;
     * metric accuracy.
     */
    public static Trainer forEvaluation(Graph model) {
        boolean fromLogits = ClassifierOutput.of(model).appliesSoftmax();
        return new Trainer(model, null, fromLogits ? SPARSE_CCE + "_from_logits" : SPARSE_CCE, List.of("accuracy"));
    }

    public Graph model() { return model; }
    public Optimizer optimizer() { return optimizer; }

    /** Asks fit to stop after the current step (as Keras's model.stop_training). */
    public void stopTraining() { stopRequested = true; }

    /** The state after the last completed step of the run in progress (or the last run). */
    public TrainingState state() { return cursor.state(); }

    public History fit(Tensor x, int[] y, FitOptions o) {
        checkData(x, y, "training data");
        if (o.validationSplit > 0) {
            // Keras: the last fraction of the data, before any shuffling, is held out.
            int n = y.length;
            int hold = (int) Math.round(n * o.validationSplit);
            if (hold < 1 || hold >= n) throw new FoveaException("validation split " + o.validationSplit + " of " + n + " examples leaves nothing to train or validate on");
            int per = x.shape().dropBatch().size();
            Shape ex = x.shape().dropBatch();
            Tensor trainX = new Tensor(ex.withBatch(n - hold), java.util.Arrays.copyOf(x.data(), (n - hold) * per));
            Tensor valX = new Tensor(ex.withBatch(hold), java.util.Arrays.copyOfRange(x.data(), (n - hold) * per, n * per));
            o.validationData(valX, java.util.Arrays.copyOfRange(y, n - hold, n));
            return fit(new InMemoryData(trainX, java.util.Arrays.copyOf(y, n - hold)), o);
        }
        return fit(new InMemoryData(x, y), o);
    }

    /** Trains on batches drawn from data; labels are checked against the output classes batch by batch. */
    public History fit(TrainingData data, FitOptions o) {
        if (optimizer == null) throw new IllegalStateException("this trainer only evaluates: fitting needs an optimizer (Model.compile)");
        if (!data.exampleShape().equals(model.inputShape())) {
            throw new FoveaException("training examples have shape " + data.exampleShape() + " but model " + model.name()
                    + " takes " + model.inputShape());
        }
        if (o.validationX != null) checkData(o.validationX, o.validationY, "validation data");
        int classes = model.outputShape().dim(0);
        if (o.classWeights != null && o.classWeights.length != classes) {
            throw new FoveaException("class weights: " + o.classWeights.length + " given for " + classes + " classes");
        }
        long seed = o.resume != null ? o.resume.seed() : (o.seed != null ? o.seed : model.seed());
        TrainingState start = o.resume != null ? o.resume : TrainingState.start(seed);
        cursor.begin(start);
        stopRequested = false;
        History history = new History();
        for (Map<String, Double> logs : start.history()) history.add(logs);
        List<Callback> callbacks = o.callbacks;
        if (o.verbose && callbacks.stream().noneMatch(c -> c instanceof ProgressBar)) {
            callbacks = new java.util.ArrayList<>(callbacks);
            callbacks.add(0, ProgressBar.forConsole());
        }
        for (int i = 0; i < callbacks.size(); i++) callbacks.get(i).setTrainer(this);
        for (int i = 0; i < callbacks.size(); i++) callbacks.get(i).onTrainBegin(o.epochs, data.size(), o.batchSize);
        RunningLogs running = new RunningLogs(metrics.contains("accuracy"));
        // Layers that draw random numbers (dropout) get a generator per step; otherwise one shared
        // context serves every step, so a step allocates nothing.
        boolean random = model.usesRandomness();
        epochs:
        for (int epoch = cursor.epoch; epoch < o.epochs; epoch++) {
            boolean fresh = cursor.batch == 0;
            if (fresh) for (int i = 0; i < callbacks.size(); i++) callbacks.get(i).onEpochBegin(epoch);
            try (BatchIterator it = data.batches(seed, epoch, o.batchSize, o.shuffle, cursor.batch)) {
                for (Batch b = it.next(); b != null; b = it.next()) {
                    if (cursor.globalStep >= o.maxSteps || stopRequested) break epochs;
                    checkLabels(b.labels(), classes, "training batch");
                    if (o.schedule != null) optimizer.learningRate(o.schedule.at(cursor.globalStep));
                    ForwardContext ctx = random ? ForwardContext.training(stepRandom(seed, cursor.globalStep)) : DETERMINISTIC_TRAINING;
                    double loss = trainStep(b, ctx, o);
                    cursor.step(loss * b.size(), Accuracy.correct(probsBuf.get(b.size(), model.outputShape()), b.labels()), b.size());
                    running.update(cursor.lossSum / cursor.seen, (double) cursor.correct / cursor.seen);
                    for (int i = 0; i < callbacks.size(); i++) callbacks.get(i).onBatchEnd(epoch, cursor.seen, running);
                }
            }
            Map<String, Double> logs = new LinkedHashMap<>(running);
            logs.put("lr", optimizer.learningRate());
            if (o.validationX != null) {
                for (var e : evaluate(o.validationX, o.validationY, EVAL_BATCH).entrySet()) logs.put("val_" + e.getKey(), e.getValue());
            }
            history.add(logs);
            cursor.endEpoch(logs);
            for (int i = 0; i < callbacks.size(); i++) callbacks.get(i).onEpochEnd(epoch, logs);
            if (stopRequested) break;
        }
        for (int i = 0; i < callbacks.size(); i++) callbacks.get(i).onTrainEnd(history);
        return history;
    }

    /** The generator of one step: a pure function of the run seed and the step number. */
    private static SplittableRandom stepRandom(long seed, long step) {
        return new SplittableRandom((seed ^ 0x9E3779B97F4A7C15L) * 0xBF58476D1CE4E5B9L + step);
    }

    /** One optimisation step on a batch; returns its mean loss. The batch's probabilities stay in probsBuf. */
    private double trainStep(Batch b, ForwardContext ctx, FitOptions o) {
        double loss = gradients(b, ctx, o);
        optimizer.step(model.parameters());
        return loss;
    }

    /**
     * Forward and backward of one batch without the update, as step {@code globalStep} of a run
     * seeded with {@code seed} would do it (the same randomness for dropout and the like): every
     * parameter's gradient then holds the gradient of the batch's mean loss (and of the L2
     * penalty, when {@code o} has one), and the returned value is that loss. Data-parallel
     * training (fovea-spark) sums these gradients over workers, weighted by their share of the
     * batch, before one optimizer step; {@link #fit} is exactly this followed by that step.
     * Gradients accumulate unless cleared ({@link Parameter#clearGradLazily}).
     */
    public double computeGradients(Batch b, long seed, long globalStep, FitOptions o) {
        ForwardContext ctx = model.usesRandomness() ? ForwardContext.training(stepRandom(seed, globalStep)) : DETERMINISTIC_TRAINING;
        return gradients(b, ctx, o);
    }

    private double gradients(Batch b, ForwardContext ctx, FitOptions o) {
        Tensor out = model.forward(b.images(), ctx);
        Tensor probs = probsBuf.get(out.shape());
        float[] weights = exampleWeights(b.labels(), o.classWeights);
        Tensor logits = fusedSoftmax ? ((ActivatedLayer) model.outputLayer()).preActivation() : out;
        double loss = SoftmaxCrossEntropyOp.forward(probs.data(), logits.data(), b.labels(), b.size(), out.dim(1), o.labelSmoothing, weights);
        Tensor grad = gradBuf.get(out.shape());
        SoftmaxCrossEntropyOp.backward(grad.data(), probs.data(), b.labels(), b.size(), out.dim(1), o.labelSmoothing, weights);
        model.backward(grad, fusedSoftmax);
        if (o.l2 > 0) loss += applyL2((float) o.l2);
        return loss;
    }

    private float[] exampleWeights(int[] labels, double[] classWeights) {
        if (classWeights == null) return null;
        if (exampleWeights.length != labels.length) exampleWeights = new float[labels.length];
        for (int i = 0; i < labels.length; i++) exampleWeights[i] = (float) classWeights[labels[i]];
        return exampleWeights;
    }

    /** Adds 2λw to every kernel's gradient and returns the penalty λΣw² (biases are not penalised, as Keras). */
    private double applyL2(float lambda) {
        double penalty = 0;
        for (Parameter p : model.parameters()) {
            if (p.role() != Parameter.Role.KERNEL) continue;
            float[] w = p.value().data(), g = p.grad().data();
            double sq = 0;
            for (int i = 0; i < w.length; i++) {
                g[i] += 2 * lambda * w[i];
                sq += (double) w[i] * w[i];
            }
            penalty += lambda * sq;
        }
        return penalty;
    }

    /** Mean loss and accuracy over (x, y), at inference (dropout off). */
    public Map<String, Double> evaluate(Tensor x, int[] y, int batchSize) {
        checkData(x, y, "evaluation data");
        int n = x.dim(0);
        Batcher batcher = new Batcher(x, y);
        double lossSum = 0;
        long correct = 0;
        for (int from = 0; from < n; from += batchSize) {
            int to = Math.min(n, from + batchSize);
            int[] yb = batcher.labels(null, from, to, batchSize);
            Tensor out = model.infer(batcher.images(null, from, to));
            Tensor probs = probsBuf.get(out.shape());
            lossSum += lossAndProbs(out, probs, yb) * (to - from);
            correct += Accuracy.correct(probs, yb);
        }
        Map<String, Double> r = new LinkedHashMap<>();
        r.put("loss", lossSum / n);
        if (metrics.contains("accuracy")) r.put("accuracy", (double) correct / n);
        return r;
    }

    /** Computes class probabilities of the batch into probs and returns the mean loss. */
    private double lossAndProbs(Tensor out, Tensor probs, int[] labels) {
        Tensor logits = fusedSoftmax ? ((ActivatedLayer) model.outputLayer()).preActivation() : out;
        return SoftmaxCrossEntropyOp.forward(probs.data(), logits.data(), labels, out.dim(0), out.dim(1));
    }

    private void checkData(Tensor x, int[] y, String what) {
        if (x == null || y == null) throw new FoveaException(what + ": images and labels are both required");
        if (x.dim(0) != y.length) {
            throw new FoveaException(what + ": " + x.dim(0) + " images but " + y.length + " labels");
        }
        if (y.length == 0) throw new FoveaException(what + " is empty");
        checkLabels(y, model.outputShape().dim(0), what);
    }

    private static void checkLabels(int[] y, int classes, String what) {
        for (int i = 0; i < y.length; i++) {
            if (y[i] < 0 || y[i] >= classes) {
                throw new FoveaException(what + ": label " + y[i] + " of example " + i + " is outside the model's "
                        + classes + " classes [0, " + classes + ")");
            }
        }
    }

    /**
     * The run's position as plain fields, updated in place every step; the {@link TrainingState}
     * record is built only when asked for (checkpoints), so a step allocates nothing.
     */
    private static final class Cursor {
        long seed, globalStep, correct;
        int epoch, batch, seen;
        double lossSum;
        List<Map<String, Double>> history;   // null until a run begins: state() is then null
        private TrainingState built;

        void begin(TrainingState s) {
            seed = s.seed(); epoch = s.epoch(); batch = s.batch(); globalStep = s.globalStep();
            lossSum = s.lossSum(); correct = s.correct(); seen = s.seen(); history = s.history();
            built = s;
        }

        void step(double loss, int hits, int examples) {
            lossSum += loss;
            correct += hits;
            seen += examples;
            batch++;
            globalStep++;
            built = null;
        }

        void endEpoch(Map<String, Double> logs) {
            List<Map<String, Double>> done = new ArrayList<>(history);
            done.add(logs);
            history = List.copyOf(done);
            epoch++;
            batch = 0;
            lossSum = 0;
            correct = 0;
            seen = 0;
            built = null;
        }

        TrainingState state() {
            if (built == null && history != null) {
                built = new TrainingState(seed, epoch, batch, globalStep, lossSum, correct, seen, history);
            }
            return built;
        }
    }
}

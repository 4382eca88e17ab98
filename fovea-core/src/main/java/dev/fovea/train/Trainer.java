package dev.fovea.train;

import dev.fovea.FoveaException;
import dev.fovea.nn.Activation;
import dev.fovea.nn.ActivatedLayer;
import dev.fovea.nn.ForwardContext;
import dev.fovea.nn.Model;
import dev.fovea.ops.SoftmaxCrossEntropyOp;
import dev.fovea.optim.Optimizer;
import dev.fovea.tensor.Buffer;
import dev.fovea.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Fits, evaluates and predicts with a compiled model: loss sparse categorical cross-entropy,
 * metric accuracy. When the output layer ends in softmax, the loss is computed from its logits
 * (fused softmax cross-entropy), as Keras does, so training never takes log of a rounded-off 0.
 */
public final class Trainer {
    /** The loss Fovea supports today, by its Keras name. */
    public static final String SPARSE_CCE = "sparse_categorical_crossentropy";
    private static final int EVAL_BATCH = 256;

    private final Model model;
    private final Optimizer optimizer;
    private final boolean fusedSoftmax;   // output is softmax: work from its pre-activation
    private final List<String> metrics;
    private final Buffer probsBuf = new Buffer();
    private final Buffer gradBuf = new Buffer();

    public Trainer(Model model, Optimizer optimizer, String loss, List<String> metrics) {
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
        boolean softmaxOut = model.outputLayer().activation() == Activation.SOFTMAX;
        if (!fromLogits && !softmaxOut) {
            throw new FoveaException("loss " + SPARSE_CCE + " expects probabilities, but output layer "
                    + model.outputLayer().name() + " does not end in softmax; add activation \"softmax\" or use "
                    + "sparse_categorical_crossentropy_from_logits");
        }
        if (fromLogits && softmaxOut) {
            throw new FoveaException("output layer " + model.outputLayer().name() + " ends in softmax, so its outputs are "
                    + "probabilities, not logits: use loss " + SPARSE_CCE);
        }
        this.fusedSoftmax = softmaxOut;
        if (model.outputShape().rank() != 1) {
            throw new FoveaException("classification needs a model output (classes,), got " + model.outputShape());
        }
    }

    public Optimizer optimizer() { return optimizer; }

    public History fit(Tensor x, int[] y, FitOptions o) {
        checkData(x, y, "training data");
        return fit(new InMemoryData(x, y), o);
    }

    /** Trains on batches drawn from data; labels are checked against the output classes batch by batch. */
    public History fit(TrainingData data, FitOptions o) {
        if (!data.exampleShape().equals(model.inputShape())) {
            throw new FoveaException("training examples have shape " + data.exampleShape() + " but model " + model.name()
                    + " takes " + model.inputShape());
        }
        if (o.validationX != null) checkData(o.validationX, o.validationY, "validation data");
        int n = data.size();
        long seed = o.seed != null ? o.seed : model.seed();
        ForwardContext ctx = ForwardContext.training(new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L));
        History history = new History();
        for (Callback c : o.callbacks) c.onTrainBegin(o.epochs, n, o.batchSize);
        Map<String, Double> running = new LinkedHashMap<>();
        int classes = model.outputShape().dim(0);
        for (int epoch = 0; epoch < o.epochs; epoch++) {
            for (Callback c : o.callbacks) c.onEpochBegin(epoch);
            double lossSum = 0;
            long correct = 0;
            int seen = 0;
            try (BatchIterator it = data.batches(seed, epoch, o.batchSize, o.shuffle, 0)) {
                for (Batch b = it.next(); b != null; b = it.next()) {
                    checkLabels(b.labels(), classes, "training batch");
                    lossSum += trainStep(b, ctx) * b.size();
                    correct += Accuracy.correct(probsBuf.get(model.outputShape().withBatch(b.size())), b.labels());
                    seen += b.size();
                    running.put("loss", lossSum / seen);
                    if (metrics.contains("accuracy")) running.put("accuracy", (double) correct / seen);
                    for (Callback c : o.callbacks) c.onBatchEnd(epoch, seen, running);
                }
            }
            Map<String, Double> logs = new LinkedHashMap<>(running);
            if (o.validationX != null) {
                for (var e : evaluate(o.validationX, o.validationY, EVAL_BATCH).entrySet()) logs.put("val_" + e.getKey(), e.getValue());
            }
            history.add(logs);
            for (Callback c : o.callbacks) c.onEpochEnd(epoch, logs);
        }
        for (Callback c : o.callbacks) c.onTrainEnd(history);
        return history;
    }

    /** One optimisation step on a batch; returns its mean loss. The batch's probabilities stay in probsBuf. */
    private double trainStep(Batch b, ForwardContext ctx) {
        Tensor out = model.forward(b.images(), ctx);
        Tensor probs = probsBuf.get(out.shape());
        double loss = lossAndProbs(out, probs, b.labels());
        Tensor grad = gradBuf.get(out.shape());
        SoftmaxCrossEntropyOp.backward(grad.data(), probs.data(), b.labels(), b.size(), out.dim(1));
        model.backward(grad, fusedSoftmax);
        optimizer.step(model.parameters());
        return loss;
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
            Tensor out = model.forward(batcher.images(null, from, to), ForwardContext.INFERENCE);
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
}

package dev.fovea.model;

import dev.fovea.nn.Graph;
import dev.fovea.optim.Optimizer;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;
import dev.fovea.train.ClassifierOutput;
import dev.fovea.train.FitOptions;
import dev.fovea.train.History;
import dev.fovea.train.Prediction;
import dev.fovea.train.Predictor;
import dev.fovea.train.Trainer;
import dev.fovea.train.TrainingData;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@link Graph} with Keras's training API: compile, fit, evaluate, predict. The graph itself
 * (build, forward/backward, parameters, summary) lives in {@code dev.fovea.nn}; the work of fitting
 * and evaluating is done by {@link Trainer}. This class sits above both, which is what keeps the
 * layer package free of any dependency on training.
 */
public class Model extends Graph {
    private Trainer trainer;

    public Model(String name) {
        super(name);
    }

    // Covariant returns, so that Sequential.of(...).build(28, 28, 1).compile(...) reads as in Keras.

    @Override public Model seed(long newSeed) {
        super.seed(newSeed);
        return this;
    }

    @Override public Model classNames(List<String> names) {
        super.classNames(names);
        return this;
    }

    @Override public Model build(int... inputShape) {
        super.build(inputShape);
        return this;
    }

    @Override public Model build(Shape shape) {
        super.build(shape);
        return this;
    }

    /** Configures training: optimizer, loss (Keras name) and metrics ("accuracy"). */
    public Model compile(Optimizer optimizer, String loss, String... metrics) {
        inputShape();   // fails clearly when not built
        this.trainer = new Trainer(this, optimizer, loss, List.of(metrics));
        return this;
    }

    public boolean isCompiled() { return trainer != null; }

    public Trainer trainer() {
        if (trainer == null) throw new IllegalStateException("model " + name() + " is not compiled: call compile(optimizer, loss, metrics)");
        return trainer;
    }

    /** Trains on x (N, ...input) with integer labels y (N). */
    public History fit(Tensor x, int[] y, FitOptions options) {
        return trainer().fit(x, y, options);
    }

    /** Trains on batches drawn from data: in memory or a background pipeline (fovea-data). */
    public History fit(TrainingData data, FitOptions options) {
        return trainer().fit(data, options);
    }

    /**
     * Mean loss and metrics over (x, y) at inference. A compiled model uses its compiled loss and
     * metrics; an uncompiled one (e.g. just loaded) needs no optimizer: sparse categorical
     * cross-entropy (from logits unless {@link #output()} is probabilities) and accuracy.
     */
    public Map<String, Double> evaluate(Tensor x, int[] y) {
        Trainer t = trainer != null ? trainer : Trainer.forEvaluation(this);
        return t.evaluate(x, y, 256);
    }

    /**
     * What this model's output is (probabilities, log-probabilities or logits) and the names of its
     * classes; the model must be built.
     */
    public ClassifierOutput output() {
        return ClassifierOutput.of(this);
    }

    /**
     * Class probabilities (N, classes) of x (N, ...input); a fresh tensor. A classifier that ends
     * in logits (or log-softmax) gets a softmax applied, as {@link #output()} describes. A model
     * whose output is not one vector per example (not a classifier) returns its raw outputs, as
     * {@link Predictor#predict} does for any model. One example without
     * the batch axis, (...input), gives its output without the batch axis too.
     */
    public Tensor predict(Tensor x) {
        if (x.shape().equals(inputShape())) return predict(x.reshape(x.shape().withBatch(1))).reshape(outputShape());
        Tensor out = Predictor.predict(this, x);
        if (outputShape().rank() == 1) output().toProbabilities(out.data(), out.dim(0));
        return out;
    }

    /** The k most probable classes of each example (or of one example without the batch axis), best first, named by {@link #classNames()}. */
    public List<List<Prediction>> predictTopK(Tensor x, int k) {
        if (x.shape().equals(inputShape())) x = x.reshape(x.shape().withBatch(1));   // one example: a batch of one
        ClassifierOutput output = output();
        Tensor probs = predict(x);
        List<List<Prediction>> all = new ArrayList<>(x.dim(0));
        for (int i = 0; i < x.dim(0); i++) all.add(output.topK(probs, i, k));
        return all;
    }
}

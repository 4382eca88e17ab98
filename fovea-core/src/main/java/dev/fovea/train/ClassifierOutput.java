package dev.fovea.train;

import dev.fovea.FoveaException;
import dev.fovea.nn.Activation;
import dev.fovea.nn.AxisSoftmax;
import dev.fovea.nn.Graph;
import dev.fovea.nn.Layer;
import dev.fovea.ops.SoftmaxOp;
import dev.fovea.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * What a classifier's output (N, K) means, and how to turn it into class probabilities and named
 * classes. The one place that decides: a graph whose output layer ends in softmax gives
 * probabilities; one ending in log-softmax gives log-probabilities; anything else (e.g. an ONNX
 * model that ends in a plain Gemm, or a Keras model trained with {@code from_logits=True}) gives
 * logits. Log-probabilities and logits are turned into probabilities by a softmax, and
 * {@link #description()} says so, for every tool that shows numbers as probabilities.
 */
public final class ClassifierOutput {
    /** How the graph's output relates to class probabilities. */
    public enum Kind {
        /** Already probabilities: the output layer ends in softmax. */
        PROBABILITIES,
        /** Log-probabilities (log-softmax): softmax of them is exp, the probabilities. */
        LOG_PROBABILITIES,
        /** Unnormalised class scores: softmax turns them into probabilities. */
        LOGITS
    }

    private final Kind kind;
    private final int classes;
    private final List<String> classNames;
    private final String description;

    private ClassifierOutput(Kind kind, int classes, List<String> classNames, String description) {
        this.kind = kind;
        this.classes = classes;
        this.classNames = classNames;
        this.description = description;
    }

    /** Reads the output of a built graph, which must be (classes,) per example. */
    public static ClassifierOutput of(Graph model) {
        if (model.outputShape().rank() != 1) {
            throw new FoveaException("model " + model.name() + " outputs " + model.outputShape()
                    + " per example; a classifier's output is (classes,)");
        }
        int classes = model.outputShape().dim(0);
        Layer out = model.outputLayer();
        String where = "output layer " + out.name() + " (" + out.className() + ")";
        Kind kind;
        String description;
        if (out.activation() == Activation.SOFTMAX || out instanceof AxisSoftmax s && !s.isLog()) {
            kind = Kind.PROBABILITIES;
            description = "probabilities (" + where + " ends in softmax)";
        } else if (out instanceof AxisSoftmax) {
            kind = Kind.LOG_PROBABILITIES;
            description = "log-probabilities (" + where + " is log-softmax); softmax applied to give probabilities";
        } else {
            kind = Kind.LOGITS;
            String ends = out.activation() == Activation.LINEAR ? "has no softmax" : "ends in " + out.activation().keras() + ", not softmax";
            description = "logits (" + where + " " + ends + "); softmax applied to give probabilities";
        }
        return new ClassifierOutput(kind, classes, model.classNames(), description);
    }

    public Kind kind() { return kind; }

    /** Whether {@link #probabilities} applies a softmax (the output is not probabilities itself). */
    public boolean appliesSoftmax() { return kind != Kind.PROBABILITIES; }

    public int classes() { return classes; }

    /** One line for people: what the output is and whether softmax was applied to it. */
    public String description() { return description; }

    /** The name of class {@code index}: the model's class name, or the index as text when it has none. */
    public String className(int index) {
        if (index < 0 || index >= classes) {
            throw new FoveaException("ClassifierOutput.className: index " + index + " is outside [0, " + classes + ")");
        }
        return index < classNames.size() ? classNames.get(index) : Integer.toString(index);
    }

    /** Every class's name, in index order (see {@link #className}). */
    public List<String> classNames() {
        List<String> names = new ArrayList<>(classes);
        for (int i = 0; i < classes; i++) names.add(className(i));
        return names;
    }

    /** The model's outputs (N, K) as probabilities: a fresh tensor; the input is left alone. */
    public Tensor probabilities(Tensor outputs) {
        Tensor p = outputs.copy();
        toProbabilities(p.data(), checkRows(outputs, "probabilities"));
        return p;
    }

    /** Turns rows of outputs, (rows, K) row-major, into probabilities in place. */
    public void toProbabilities(float[] outputs, int rows) {
        if (appliesSoftmax()) SoftmaxOp.forward(outputs, outputs, rows, classes);
    }

    /** The k most probable classes of row {@code row} of probabilities (N, K), best first, named. */
    public List<Prediction> topK(Tensor probabilities, int row, int k) {
        int rows = checkRows(probabilities, "topK");
        if (row < 0 || row >= rows) throw new FoveaException("ClassifierOutput.topK: row " + row + " is outside [0, " + rows + ")");
        if (k < 1) throw new FoveaException("ClassifierOutput.topK: k must be >= 1, got " + k);
        int keep = Math.min(k, classes);
        float[] p = probabilities.data();
        int base = row * classes;
        boolean[] taken = new boolean[classes];
        List<Prediction> top = new ArrayList<>(keep);
        for (int t = 0; t < keep; t++) {
            int best = -1;
            for (int j = 0; j < classes; j++) {
                if (!taken[j] && (best < 0 || p[base + j] > p[base + best])) best = j;
            }
            taken[best] = true;
            top.add(new Prediction(best, className(best), p[base + best]));
        }
        return top;
    }

    private int checkRows(Tensor t, String method) {
        if (t.shape().rank() != 2 || t.dim(1) != classes) {
            throw new FoveaException("ClassifierOutput." + method + ": expected (N, " + classes + "), got " + t.shape());
        }
        return t.dim(0);
    }
}

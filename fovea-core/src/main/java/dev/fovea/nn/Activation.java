package dev.fovea.nn;

import dev.fovea.FoveaException;
import dev.fovea.ops.ReluOp;
import dev.fovea.ops.SigmoidOp;
import dev.fovea.ops.SoftmaxOp;
import dev.fovea.ops.TanhOp;
import dev.fovea.tensor.Parallel;

import java.util.Locale;

/** The activations a layer may apply to its output, named as in Keras. Softmax is over the last axis. */
public enum Activation {
    LINEAR, RELU, SIGMOID, TANH, SOFTMAX;

    public static Activation parse(String name, String where) {
        if (name == null) return LINEAR;
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "linear", "none", "" -> LINEAR;
            case "relu" -> RELU;
            case "sigmoid" -> SIGMOID;
            case "tanh" -> TANH;
            case "softmax" -> SOFTMAX;
            default -> throw new FoveaException(where + ": unknown activation \"" + name
                    + "\"; accepted: linear, relu, sigmoid, tanh, softmax");
        };
    }

    public String keras() { return name().toLowerCase(Locale.ROOT); }

    /** Elements per parallel chunk of the element-wise activations (below it, threads cost more than they save). */
    private static final int GRAIN = 1 << 15;

    /** y = f(z) over size elements whose last axis has length lastDim. */
    void forward(float[] y, float[] z, int size, int lastDim) {
        switch (this) {
            case LINEAR -> System.arraycopy(z, 0, y, 0, size);
            case RELU -> Parallel.forRange(size, GRAIN, (a, b) -> ReluOp.forward(y, z, a, b));
            case SIGMOID -> SigmoidOp.forward(y, z, size);
            case TANH -> TanhOp.forward(y, z, size);
            case SOFTMAX -> SoftmaxOp.forward(y, z, size / lastDim, lastDim);
        }
    }

    /** dz = dy · f'(z), written from the output y. dz must not alias dy for SOFTMAX. */
    void backward(float[] dz, float[] dy, float[] y, int size, int lastDim) {
        switch (this) {
            case LINEAR -> System.arraycopy(dy, 0, dz, 0, size);
            case RELU -> Parallel.forRange(size, GRAIN, (a, b) -> ReluOp.backward(dz, dy, y, a, b));
            case SIGMOID -> SigmoidOp.backward(dz, dy, y, size);
            case TANH -> TanhOp.backward(dz, dy, y, size);
            case SOFTMAX -> SoftmaxOp.backward(dz, dy, y, size / lastDim, lastDim);
        }
    }
}

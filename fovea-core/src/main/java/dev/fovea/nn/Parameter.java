package dev.fovea.nn;

import dev.fovea.tensor.Tensor;

/**
 * A named weight of a layer and the gradient accumulated into it by backward. The full name is
 * "layer/kernel" style, used as the key in the weights file.
 */
public final class Parameter {
    private final String name;
    private final Tensor value;
    private final Tensor grad;
    private final boolean trainable;

    public Parameter(String name, Tensor value) {
        this(name, value, true);
    }

    /**
     * A non-trainable parameter (e.g. batch normalisation's moving statistics) is saved and loaded
     * with the weights but never touched by the optimizer, and counted apart in the summary, as Keras.
     */
    public Parameter(String name, Tensor value, boolean trainable) {
        this.name = name;
        this.value = value;
        this.grad = Tensor.zeros(value.shape());
        this.trainable = trainable;
    }

    public boolean trainable() { return trainable; }

    public String name() { return name; }
    public Tensor value() { return value; }
    public Tensor grad() { return grad; }
    public int size() { return value.size(); }
    public void zeroGrad() { grad.fill(0f); }
}

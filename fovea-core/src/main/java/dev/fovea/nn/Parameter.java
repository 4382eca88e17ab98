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

    public Parameter(String name, Tensor value) {
        this.name = name;
        this.value = value;
        this.grad = Tensor.zeros(value.shape());
    }

    public String name() { return name; }
    public Tensor value() { return value; }
    public Tensor grad() { return grad; }
    public int size() { return value.size(); }
    public void zeroGrad() { grad.fill(0f); }
}

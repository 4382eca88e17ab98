package dev.fovea.nn;

import dev.fovea.tensor.Tensor;

/**
 * A named weight of a layer and the gradient accumulated into it by backward. The full name is
 * "layer/kernel" style, used as the key in the weights file.
 *
 * <p>Clearing can be lazy ({@link #clearGradLazily}): the optimizer marks the gradient as 0 instead
 * of writing 0s over it, and a kernel that produces the whole gradient next step asks
 * {@link #takeGradForOverwrite} and writes it outright (a GEMM with beta 0 instead of 1), so the
 * 6.5 MB gradient of a large Dense kernel is neither zeroed nor read back every step. Anyone else
 * sees zeros: {@link #grad()} fills a lazily cleared gradient first.
 *
 * <p>{@link #version()} counts changes to the value, so that a kernel may keep a derived form of
 * it (a packed or transformed kernel) and rebuild that only when the weights have changed. Every
 * writer calls {@link #markChanged()} after writing the value in place, or writes through
 * {@link #set}: the optimizer's step, loading a model or checkpoint, importers, restoring the best
 * weights, batch normalisation's moving statistics in training.
 */
public final class Parameter {
    /**
     * What a parameter is to the layer, so code that treats kinds of weights differently (the L2
     * penalty on kernels, filter pictures, export) asks the role rather than matching names.
     */
    public enum Role {
        /** A weight multiplied with the input (convolution and Dense kernels): what L2 penalises. */
        KERNEL,
        /** An additive offset (biases, batch normalisation's beta). */
        BIAS,
        /** Statistics updated by forward passes rather than the optimizer (moving mean and variance): never trainable. */
        STATE,
        /** Any other trainable weight (batch normalisation's gamma, PReLU's slopes, constants). */
        OTHER
    }

    private final String name;
    private final Role role;
    private final Tensor value;
    private volatile Tensor grad;   // allocated on first use: a model that only predicts (an import) never needs it
    private final boolean trainable;
    private volatile boolean frozen;   // fine-tuning: kept as loaded, as Keras's layer.trainable = False
    private boolean gradStale;   // cleared lazily: grad's array holds old values that count as 0
    private long version;        // bumped by every change to value

    /**
     * A parameter of the given role. A STATE parameter (batch normalisation's moving statistics)
     * is not trainable: saved and loaded with the weights but never touched by the optimizer, and
     * counted apart in the summary, as Keras.
     */
    public Parameter(String name, Tensor value, Role role) {
        this.name = name;
        this.value = value;
        this.role = role;
        this.trainable = role != Role.STATE;
    }

    /** Whether the optimizer updates it: trainable by nature (not a moving statistic) and not frozen. */
    public boolean trainable() { return trainable && !frozen; }

    /**
     * Freezes (or thaws) the parameter for fine-tuning: a frozen parameter is not updated and counts
     * as non-trainable. Set before compile: the optimizer binds the trainable parameters once.
     */
    public void freeze(boolean f) { frozen = f; }

    public boolean frozen() { return frozen; }

    public Role role() { return role; }

    public String name() { return name; }
    public Tensor value() { return value; }
    /** The gradient (zeroed first when it was cleared lazily). */
    public Tensor grad() {
        if (grad == null) allocateGrad();
        if (gradStale) zeroGrad();
        return grad;
    }

    public int size() { return value.size(); }

    /** How many times the value has been changed since construction; caches derived from it compare this. */
    public long version() { return version; }

    /** Records that the value was written in place (call after writing, before the next forward pass). */
    public void markChanged() { version++; }

    /** Copies values (as many as this parameter holds) into the value and marks it changed. */
    public void set(float[] values) {
        if (values.length != value.size()) {
            throw new IllegalArgumentException("parameter " + name + " holds " + value.size() + " values, got " + values.length);
        }
        System.arraycopy(values, 0, value.data(), 0, values.length);
        markChanged();
    }

    /** Allocates the (zero) gradient once; true if this call did. */
    private synchronized boolean allocateGrad() {
        if (grad != null) return false;
        grad = Tensor.zeros(value.shape());
        gradStale = false;
        return true;
    }

    public void zeroGrad() {
        if (grad != null) grad.fill(0f);
        gradStale = false;
    }

    /** Clears the gradient without writing it: the next {@link #grad()} zeroes it, unless a kernel overwrites it first. */
    public void clearGradLazily() { gradStale = true; }

    /**
     * For a kernel about to produce this whole gradient: true when the gradient counts as 0, and
     * then the kernel must write every element (overwrite instead of accumulate); false when it
     * must accumulate as usual. Either way the gradient is current afterwards.
     */
    public boolean takeGradForOverwrite() {
        if (grad == null && allocateGrad()) return true;
        boolean stale = gradStale;
        gradStale = false;
        return stale;
    }
}

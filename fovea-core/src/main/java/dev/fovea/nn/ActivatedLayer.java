package dev.fovea.nn;

import dev.fovea.tensor.Buffer;
import dev.fovea.tensor.Tensor;

/**
 * A layer that computes a linear part z = L(x) and then y = activation(z), as Keras's Conv2D and
 * Dense do. Keeps z so the trainer can fuse a final softmax with cross-entropy (working from the
 * logits z, which is numerically stable) via {@link #preActivation} and {@link #backwardLinear}.
 */
public abstract class ActivatedLayer extends Layer {
    private final Activation activation;
    private final Buffer zBuf = new Buffer();
    private final Buffer yBuf = new Buffer();
    private final Buffer dzBuf = new Buffer();
    private final ReluPass relu = new ReluPass();
    private Tensor z;   // (N, ...outputShape) of the last forward
    private Tensor y;   // same; is z itself when the activation is linear

    protected ActivatedLayer(Activation activation) {
        this.activation = activation == null ? Activation.LINEAR : activation;
    }

    @Override public Activation activation() { return activation; }

    /** z (N, ...outputShape) = L(x); z is pre-shaped by the caller. */
    protected abstract void linearForward(Tensor z, Tensor x, ForwardContext ctx);

    /** True when the linear part is the identity (a standalone activation): forward then skips copying x. */
    protected boolean linearIsIdentity() { return false; }

    /** Accumulates parameter gradients from dz and returns dx (or null when not needed). */
    public abstract Tensor backwardLinear(Tensor dz, boolean needInputGrad);

    @Override public final Tensor forward(Tensor x, ForwardContext ctx) {
        checkInput(x);
        int n = x.dim(0);
        if (linearIsIdentity()) {
            z = x;   // nothing to compute: the activation reads the input itself
        } else {
            z = zBuf.get(n, outputShape());
            linearForward(z, x, ctx);
        }
        if (activation == Activation.LINEAR) {
            y = z;
        } else {
            y = yBuf.get(n, outputShape());
            if (activation == Activation.RELU) relu.forward(y.data(), z.data(), z.size());
            else activation.forward(y.data(), z.data(), z.size(), outputShape().dim(-1));
        }
        return y;
    }

    @Override public final Tensor backward(Tensor dy, boolean needInputGrad) {
        if (activation == Activation.LINEAR) return backwardLinear(dy, needInputGrad);
        Tensor dz = dzBuf.get(dy.shape());
        if (activation == Activation.RELU) relu.backward(dz.data(), dy.data(), y.data(), dy.size());
        else activation.backward(dz.data(), dy.data(), y.data(), dy.size(), dy.shape().dim(-1));
        return backwardLinear(dz, needInputGrad);
    }

    /** The logits: z of the last forward pass, before the activation. */
    public Tensor preActivation() { return z; }
}

package dev.fovea.nn;

import dev.fovea.tensor.Buffer;
import dev.fovea.tensor.Tensor;

/**
 * A layer that computes a linear part z = L(x) and then y = activation(z), as Keras's Conv2D and
 * Dense do. Keeps z so the trainer can fuse a final softmax with cross-entropy (working from the
 * logits z, which is numerically stable) via {@link #preActivation} and {@link #backwardLinear}.
 *
 * <p>Two fusions save whole passes over the activations: a layer whose op applies ReLU in its own
 * output pass ({@link #linearAppliesActivation}) writes y directly and keeps no z; and when the
 * model's only consumer of this ReLU output is a max pool that applies ReLU's gradient mask in its
 * backward (see {@link Graph}), backward hands dy straight to the linear part.
 */
public abstract class ActivatedLayer extends Layer {
    private final Activation activation;
    private final Buffer zBuf = new Buffer();
    private final Buffer yBuf = new Buffer();
    private final Buffer dzBuf = new Buffer();
    private final ReluPass relu = new ReluPass();
    private Tensor z;   // (N, ...outputShape) of the last forward; null when the op applied the activation
    private Tensor y;   // same; is z itself when the activation is linear
    private boolean reluMaskedDownstream;   // set by Model for training backward passes

    protected ActivatedLayer(Activation activation) {
        this.activation = activation == null ? Activation.LINEAR : activation;
    }

    @Override public Activation activation() { return activation; }

    /** z (N, ...outputShape) = L(x); z is pre-shaped by the caller. */
    protected abstract void linearForward(Tensor z, Tensor x, ForwardContext ctx);

    /** True when the linear part is the identity (a standalone activation): forward then skips copying x. */
    protected boolean linearIsIdentity() { return false; }

    /**
     * True when {@link #linearForward} applies this layer's activation itself (its op fuses ReLU
     * into the pass that writes the output): forward then hands it the y buffer and keeps no z.
     */
    protected boolean linearAppliesActivation() { return false; }

    /** Model's switch: the gradient reaching backward already carries ReLU's mask (applied by the consumer). */
    void reluMaskedDownstream(boolean masked) { this.reluMaskedDownstream = masked; }

    /** Accumulates parameter gradients from dz and returns dx (or null when not needed). */
    public abstract Tensor backwardLinear(Tensor dz, boolean needInputGrad);

    @Override public final Tensor forward(Tensor x, ForwardContext ctx) {
        checkInput(x);
        int n = x.dim(0);
        if (activation != Activation.LINEAR && linearAppliesActivation()) {
            z = null;
            y = yBuf.get(n, outputShape());
            linearForward(y, x, ctx);
            return y;
        }
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
        if (activation == Activation.RELU && reluMaskedDownstream) return backwardLinear(dy, needInputGrad);
        Tensor dz = dzBuf.get(dy.shape());
        if (activation == Activation.RELU) relu.backward(dz.data(), dy.data(), y.data(), dy.size());
        else activation.backward(dz.data(), dy.data(), y.data(), dy.size(), dy.shape().dim(-1));
        return backwardLinear(dz, needInputGrad);
    }

    /**
     * The logits: z of the last forward pass, before the activation. Layers whose op applies the
     * activation itself (ReLU fused into the convolution's output pass) keep no z.
     */
    public Tensor preActivation() {
        if (z == null && y != null) {
            throw new IllegalStateException("layer " + name() + " applies its " + activation.keras()
                    + " inside its op and keeps no pre-activation");
        }
        return z;
    }
}

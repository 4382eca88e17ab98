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
    private final Object activationKey = new Object();   // owner of the activation's scratch (the subclass's is the layer)
    private boolean reluMaskedDownstream;   // set by Graph for training backward passes

    /** The activation's per-call state: buffers, and z and y of the thread's last forward. */
    private static final class ActivationScratch {
        final Buffer zBuf = new Buffer(), yBuf = new Buffer(), dzBuf = new Buffer();
        final ReluPass relu = new ReluPass();
        Tensor z;   // (N, ...outputShape) of the last forward; null when the op applied the activation
        Tensor y;   // same; is z itself when the activation is linear
    }

    private ActivationScratch activationScratch() {
        return Workspace.current().state(activationKey, ActivationScratch::new);
    }

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
        ActivationScratch s = activationScratch();
        int n = x.dim(0);
        if (activation != Activation.LINEAR && linearAppliesActivation()) {
            s.z = null;
            s.y = s.yBuf.get(n, outputShape());
            linearForward(s.y, x, ctx);
            return s.y;
        }
        if (linearIsIdentity()) {
            s.z = x;   // nothing to compute: the activation reads the input itself
        } else {
            s.z = s.zBuf.get(n, outputShape());
            linearForward(s.z, x, ctx);
        }
        if (activation == Activation.LINEAR) {
            s.y = s.z;
        } else {
            s.y = s.yBuf.get(n, outputShape());
            if (activation == Activation.RELU) s.relu.forward(s.y.data(), s.z.data(), s.z.size());
            else activation.forward(s.y.data(), s.z.data(), s.z.size(), outputShape().dim(-1));
        }
        return s.y;
    }

    @Override public final Tensor backward(Tensor dy, boolean needInputGrad) {
        if (activation == Activation.LINEAR) return backwardLinear(dy, needInputGrad);
        if (activation == Activation.RELU && reluMaskedDownstream) return backwardLinear(dy, needInputGrad);
        ActivationScratch s = activationScratch();
        Tensor dz = s.dzBuf.get(dy.shape());
        if (activation == Activation.RELU) s.relu.backward(dz.data(), dy.data(), s.y.data(), dy.size());
        else activation.backward(dz.data(), dy.data(), s.y.data(), dy.size(), dy.shape().dim(-1));
        return backwardLinear(dz, needInputGrad);
    }

    /**
     * The logits: z of the calling thread's last forward pass, before the activation. Layers whose
     * op applies the activation itself (ReLU fused into the convolution's output pass) keep no z.
     */
    public Tensor preActivation() {
        ActivationScratch s = activationScratch();
        Tensor z = s.z;
        if (z == null && s.y != null) {
            throw new IllegalStateException("layer " + name() + " applies its " + activation.keras()
                    + " inside its op and keeps no pre-activation");
        }
        return z;
    }
}

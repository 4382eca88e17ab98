package dev.fovea.nn;

import dev.fovea.json.JsonObject;
import dev.fovea.FoveaException;
import dev.fovea.ops.BroadcastOp;
import dev.fovea.tensor.Buffer;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * Parametric ReLU (He et al., 2015), as Keras's PReLU: x for x > 0, alpha · x otherwise, with a
 * trainable alpha of the input's per-example shape except along {@code shared_axes} (Keras axis
 * numbers, 1 = the first axis after the batch), where one alpha serves the whole axis.
 * ONNX PRelu with a per-channel slope is PReLU with shared_axes [1, 2] on (N, H, W, C).
 */
public final class PReLU extends Layer {
    private final int[] sharedAxes;

    /** Per-call state (see {@link Workspace}). */
    private static final class Scratch {
        final Buffer outBuf = new Buffer(), dxBuf = new Buffer();
        BroadcastOp.Plan plan;
        int planBatch = -1;
        Tensor lastInput;
    }
    private Parameter alpha;

    public PReLU(int... sharedAxes) {
        this.sharedAxes = sharedAxes.clone();
    }

    public int[] sharedAxes() { return sharedAxes.clone(); }
    public Parameter alpha() { return alpha; }

    @Override public String className() { return "PReLU"; }

    @Override public Map<String, Object> config() { return Map.of("shared_axes", intList(sharedAxes)); }

    static PReLU fromConfig(JsonObject c) {
        c.requireOnlyKeys("shared_axes");
        return new PReLU(c.optionalIntArray("shared_axes", new int[0], 1, 64));
    }

    @Override protected Shape doBuild(Shape in, SplittableRandom rng) {
        int[] a = in.toArray();
        for (int s : sharedAxes) {
            if (s < 1 || s > in.rank()) {
                throw new FoveaException("layer " + name() + " (PReLU): shared axis " + s + " is outside the input (batch, "
                        + in.toString().substring(1) + "; accepted: 1 to " + in.rank());
            }
            a[s - 1] = 1;
        }
        alpha = addParameter("alpha", Tensor.zeros(a), Parameter.Role.OTHER);
        return in;
    }

    private BroadcastOp.Plan plan(Scratch s, int n) {
        if (n != s.planBatch) {
            s.plan = BroadcastOp.plan(inputShape().withBatch(n).toArray(), alpha.value().shape().withBatch(1).toArray(),
                    inputShape().withBatch(n).toArray());
            s.planBatch = n;
        }
        return s.plan;
    }

    @Override public Tensor forward(Tensor x, ForwardContext ctx) {
        checkInput(x);
        Scratch s = scratch(Scratch::new);
        s.lastInput = x;
        Tensor out = s.outBuf.get(x.shape());
        BroadcastOp.forward(BroadcastOp.Kind.PRELU, plan(s, x.dim(0)), out.data(), x.data(), alpha.value().data());
        return out;
    }

    @Override public Tensor backward(Tensor dy, boolean needInputGrad) {
        Scratch s = scratch(Scratch::new);
        Tensor dx = null;
        if (needInputGrad) {
            dx = s.dxBuf.get(dy.shape());
            dx.fill(0f);
        }
        BroadcastOp.backward(BroadcastOp.Kind.PRELU, plan(s, dy.dim(0)), dx == null ? null : dx.data(), alpha.grad().data(),
                dy.data(), s.lastInput.data(), alpha.value().data());
        return dx;
    }
}

package dev.fovea.nn;

import dev.fovea.json.JsonObject;
import dev.fovea.FoveaException;
import dev.fovea.ops.PermuteOp;
import dev.fovea.tensor.Buffer;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * Reorders the per-example axes, as Keras's Permute(dims): dims are 1-based (the batch axis
 * stays first), e.g. Permute(3, 1, 2) turns (N, H, W, C) into (N, C, H, W).
 */
public final class Permute extends Layer {
    private final int[] dims;

    /** Per-call state (see {@link Workspace}). */
    private static final class Scratch {
        final Buffer outBuf = new Buffer(), dxBuf = new Buffer();
        PermuteOp forwardOp, backwardOp;   // for batches of opBatch
        int opBatch = -1;
    }

    public Permute(int... dims) {
        this.dims = dims.clone();
    }

    public int[] dims() { return dims.clone(); }

    @Override public String className() { return "Permute"; }

    @Override public Map<String, Object> config() { return Map.of("dims", intList(dims)); }

    static Permute fromConfig(JsonObject c) {
        c.requireOnlyKeys("dims");
        return new Permute(c.requireIntArray("dims", 1, 64));
    }

    @Override protected Shape doBuild(Shape in, SplittableRandom rng) {
        boolean[] seen = new boolean[dims.length];
        boolean ok = dims.length == in.rank();
        for (int d : dims) {
            if (!ok || d < 1 || d > dims.length || seen[d - 1]) {
                ok = false;
                break;
            }
            seen[d - 1] = true;
        }
        if (!ok) {
            throw new FoveaException("layer " + name() + " (Permute): dims " + java.util.Arrays.toString(dims)
                    + " must order the axes 1 to " + in.rank() + " of input " + in + ", each once");
        }
        int[] out = new int[dims.length];
        for (int i = 0; i < dims.length; i++) out[i] = in.dim(dims[i] - 1);
        return Shape.of(out);
    }

    private Scratch plan(int n) {
        Scratch s = scratch(Scratch::new);
        if (n == s.opBatch) return s;
        int[] perm = new int[dims.length + 1];
        for (int i = 0; i < dims.length; i++) perm[i + 1] = dims[i];
        s.forwardOp = new PermuteOp(inputShape().withBatch(n).toArray(), perm);
        s.backwardOp = new PermuteOp(outputShape().withBatch(n).toArray(), PermuteOp.inverse(perm));
        s.opBatch = n;
        return s;
    }

    @Override public Tensor forward(Tensor x, ForwardContext ctx) {
        checkInput(x);
        Scratch s = plan(x.dim(0));
        Tensor out = s.outBuf.get(x.dim(0), outputShape());
        s.forwardOp.forward(out.data(), x.data());
        return out;
    }

    @Override public Tensor backward(Tensor dy, boolean needInputGrad) {
        if (!needInputGrad) return null;
        Scratch s = plan(dy.dim(0));
        Tensor dx = s.dxBuf.get(dy.dim(0), inputShape());
        s.backwardOp.forward(dx.data(), dy.data());
        return dx;
    }
}

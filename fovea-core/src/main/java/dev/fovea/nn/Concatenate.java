package dev.fovea.nn;

import dev.fovea.json.JsonObject;
import dev.fovea.FoveaException;
import dev.fovea.ops.ConcatOp;
import dev.fovea.tensor.Buffer;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * Joins inputs along one axis, as Keras's Concatenate(axis) (axis counts the batch axis; -1,
 * the channels of NHWC, by default). All other axes must agree.
 */
public final class Concatenate extends MergeLayer {
    private final int axis;
    private int outerPerExample;
    private int[] widths;   // per input: (its size along the axis) · inner

    /** Per-call state (see {@link Workspace}). */
    private static final class Scratch {
        final Buffer outBuf = new Buffer();
        Buffer[] dxBufs = new Buffer[0];
        float[][] parts = new float[0][];

        Scratch ensure(int inputs) {
            if (parts.length != inputs) {
                parts = new float[inputs][];
                dxBufs = new Buffer[inputs];
                for (int i = 0; i < inputs; i++) dxBufs[i] = new Buffer();
            }
            return this;
        }
    }

    public Concatenate(int axis) {
        this.axis = axis;
    }

    public Concatenate() {
        this(-1);
    }

    public int axis() { return axis; }

    @Override public String className() { return "Concatenate"; }

    @Override public Map<String, Object> config() { return Map.of("axis", axis); }

    static Concatenate fromConfig(JsonObject c) {
        c.requireOnlyKeys("axis");
        return new Concatenate(c.optionalInt("axis", -1, -64, 64));
    }

    @Override protected Shape doBuild(Shape[] in, SplittableRandom rng) {
        String where = "layer " + name() + " (Concatenate)";
        if (in.length < 1) throw new FoveaException(where + " needs at least one input");
        int a = Axes.perExample(axis, in[0], where);
        int[] out = in[0].toArray();
        out[a] = 0;
        widths = new int[in.length];
        int inner = Axes.product(in[0], a + 1, in[0].rank());
        for (int i = 0; i < in.length; i++) {
            if (in[i].rank() != in[0].rank()) throw new FoveaException(where + ": inputs " + in[0] + " and " + in[i] + " differ in rank");
            for (int d = 0; d < in[0].rank(); d++) {
                if (d != a && in[i].dim(d) != in[0].dim(d)) {
                    throw new FoveaException(where + ": inputs " + in[0] + " and " + in[i] + " differ outside axis " + axis);
                }
            }
            out[a] += in[i].dim(a);
            widths[i] = in[i].dim(a) * inner;
        }
        outerPerExample = Axes.product(in[0], 0, a);
        return Shape.of(out);
    }

    @Override public Tensor forward(Tensor[] inputs, ForwardContext ctx) {
        int n = inputs[0].dim(0);
        Scratch s = scratch(Scratch::new).ensure(widths.length);
        float[][] parts = s.parts;
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i].dim(0) != n || !inputs[i].shape().dropBatch().equals(inputShapes()[i])) {
                throw new FoveaException("layer " + name() + " (Concatenate) expects input " + i + " (batch, "
                        + inputShapes()[i].toString().substring(1) + " but got " + inputs[i].shape());
            }
            parts[i] = inputs[i].data();
        }
        Tensor out = s.outBuf.get(n, outputShape());
        ConcatOp.forward(out.data(), parts, widths, n * outerPerExample);
        return out;
    }

    @Override public void backward(Tensor dy, boolean[] needInputGrad, Tensor[] dInputs) {
        int n = dy.dim(0);
        Scratch s = scratch(Scratch::new).ensure(widths.length);
        int total = 0;
        for (int w : widths) total += w;
        int off = 0;
        for (int i = 0; i < widths.length; i++) {
            if (needInputGrad[i]) {
                Tensor dx = s.dxBufs[i].get(inputShapes()[i].withBatch(n));
                ConcatOp.slice(dx.data(), dy.data(), n * outerPerExample, total, off, widths[i]);
                dInputs[i] = dx;
            } else {
                dInputs[i] = null;
            }
            off += widths[i];
        }
    }
}

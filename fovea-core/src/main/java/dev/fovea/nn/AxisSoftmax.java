package dev.fovea.nn;

import dev.fovea.json.JsonObject;
import dev.fovea.FoveaException;
import dev.fovea.ops.AxisSoftmaxOp;
import dev.fovea.tensor.Buffer;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Softmax or log-softmax over one axis or a run of neighbouring axes, as Keras's Softmax(axis)
 * (registered as Softmax and LogSoftmax). Axes are Keras numbers (counting the batch axis, which
 * cannot be one of them); several axes are normalised together as one flattened axis, which is
 * ONNX's Softmax before opset 13.
 */
public final class AxisSoftmax extends Layer {
    private final boolean log;
    private final int[] axes;

    /** Per-call state (see {@link Workspace}). */
    private static final class Scratch {
        final Buffer outBuf = new Buffer(), dxBuf = new Buffer();
        Tensor lastOutput;
    }
    private int outerPerExample, k, inner;

    public AxisSoftmax(boolean log, int... axes) {
        if (axes.length == 0) throw new FoveaException((log ? "LogSoftmax" : "Softmax") + ": at least one axis is needed");
        this.log = log;
        this.axes = axes.clone();
    }

    public boolean isLog() { return log; }
    public int[] axes() { return axes.clone(); }

    @Override public String className() { return log ? "LogSoftmax" : "Softmax"; }

    @Override public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("axis", axes.length == 1 ? (Object) axes[0] : intList(axes));
        return m;
    }

    static AxisSoftmax softmaxFromConfig(JsonObject c) {
        c.requireOnlyKeys("axis");
        return new AxisSoftmax(false, c.optionalIntOrIntArray("axis", new int[] {-1}, -64, 64));
    }

    static AxisSoftmax logSoftmaxFromConfig(JsonObject c) {
        c.requireOnlyKeys("axis");
        return new AxisSoftmax(true, c.optionalIntOrIntArray("axis", new int[] {-1}, -64, 64));
    }

    @Override protected Shape doBuild(Shape in, SplittableRandom rng) {
        String where = "layer " + name() + " (" + className() + ")";
        int[] a = new int[axes.length];
        for (int i = 0; i < a.length; i++) a[i] = Axes.perExample(axes[i], in, where);
        Arrays.sort(a);
        for (int i = 1; i < a.length; i++) {
            if (a[i] != a[i - 1] + 1) throw new FoveaException(where + ": axes " + Arrays.toString(axes) + " must be neighbours");
        }
        outerPerExample = Axes.product(in, 0, a[0]);
        k = Axes.product(in, a[0], a[a.length - 1] + 1);
        inner = Axes.product(in, a[a.length - 1] + 1, in.rank());
        return in;
    }

    @Override public Tensor forward(Tensor x, ForwardContext ctx) {
        checkInput(x);
        Scratch s = scratch(Scratch::new);
        Tensor out = s.outBuf.get(x.shape());
        AxisSoftmaxOp.forward(out.data(), x.data(), x.dim(0) * outerPerExample, k, inner, log);
        s.lastOutput = out;
        return out;
    }

    @Override public Tensor backward(Tensor dy, boolean needInputGrad) {
        if (!needInputGrad) return null;
        Scratch s = scratch(Scratch::new);
        Tensor dx = s.dxBuf.get(dy.shape());
        AxisSoftmaxOp.backward(dx.data(), dy.data(), s.lastOutput.data(), dy.dim(0) * outerPerExample, k, inner, log);
        return dx;
    }
}

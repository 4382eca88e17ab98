package dev.fovea.nn;

import dev.fovea.json.JsonObject;
import dev.fovea.FoveaException;
import dev.fovea.ops.PadOp;
import dev.fovea.tensor.Buffer;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Pads each per-example axis by [before, after] cells (ONNX Pad): with a constant, by reflection,
 * by repeating the edge, or by wrapping around. Negative amounts crop. See {@link ZeroPadding2D}
 * for Keras's image case.
 */
public class Pad extends Layer {
    private final int[][] paddings;   // per per-example axis: {before, after}
    private final PadOp.Mode mode;
    private final float value;

    /** Per-call state (see {@link Workspace}). */
    private static final class Scratch {
        final Buffer outBuf = new Buffer(), dxBuf = new Buffer();
        PadOp op;   // for batches of opBatch
        int opBatch = -1;
    }

    public Pad(int[][] paddings, PadOp.Mode mode, double value) {
        this.paddings = new int[paddings.length][];
        for (int i = 0; i < paddings.length; i++) {
            if (paddings[i].length != 2) throw new FoveaException("Pad: each padding must be [before, after]");
            this.paddings[i] = paddings[i].clone();
        }
        this.mode = mode;
        if (!Double.isFinite(value)) throw new FoveaException("Pad: constant_value must be finite, got " + value);
        this.value = (float) value;
    }

    public int[][] paddings() {
        int[][] p = new int[paddings.length][];
        for (int i = 0; i < p.length; i++) p[i] = paddings[i].clone();
        return p;
    }

    public PadOp.Mode mode() { return mode; }
    public float value() { return value; }

    static PadOp.Mode parseMode(String s, String where) {
        for (PadOp.Mode m : PadOp.Mode.values()) if (m.name().toLowerCase(Locale.ROOT).equals(s)) return m;
        throw new FoveaException(where + ": mode must be constant, reflect, edge or wrap, got \"" + s + "\"");
    }

    @Override public String className() { return "Pad"; }

    @Override public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("paddings", pairList(paddings));
        m.put("mode", mode.name().toLowerCase(Locale.ROOT));
        m.put("constant_value", (double) value);
        return m;
    }

    static Pad fromConfig(JsonObject c) {
        c.requireOnlyKeys("paddings", "mode", "constant_value");
        return new Pad(c.requirePairs("paddings", -(1 << 20), 1 << 20), parseMode(c.optionalString("mode", "constant"), c.location()),
                c.optionalDouble("constant_value", 0.0));
    }

    @Override protected Shape doBuild(Shape in, SplittableRandom rng) {
        String where = "layer " + name() + " (" + className() + ")";
        if (paddings.length != in.rank()) {
            throw new FoveaException(where + ": has " + paddings.length + " paddings for an input of rank " + in.rank() + " " + in);
        }
        int[] out = new int[in.rank()];
        for (int i = 0; i < out.length; i++) {
            out[i] = in.dim(i) + paddings[i][0] + paddings[i][1];
            if (out[i] < 0 || out[i] > (1 << 24)) throw new FoveaException(where + ": padding axis " + (i + 1) + " of " + in + " gives size " + out[i]);
            if (mode == PadOp.Mode.REFLECT && (paddings[i][0] >= in.dim(i) || paddings[i][1] >= in.dim(i)) && (paddings[i][0] > 0 || paddings[i][1] > 0)) {
                throw new FoveaException(where + ": reflect padding on axis " + (i + 1) + " must be smaller than its size " + in.dim(i));
            }
        }
        return Shape.of(out);
    }

    private PadOp op(Scratch s, int n) {
        if (n != s.opBatch) {
            int r = paddings.length + 1;
            int[] before = new int[r], after = new int[r];
            for (int i = 1; i < r; i++) {
                before[i] = paddings[i - 1][0];
                after[i] = paddings[i - 1][1];
            }
            s.op = new PadOp(inputShape().withBatch(n).toArray(), before, after, mode, value);
            s.opBatch = n;
        }
        return s.op;
    }

    @Override public Tensor forward(Tensor x, ForwardContext ctx) {
        checkInput(x);
        Scratch s = scratch(Scratch::new);
        Tensor out = s.outBuf.get(x.dim(0), outputShape());
        op(s, x.dim(0)).forward(out.data(), x.data());
        return out;
    }

    @Override public Tensor backward(Tensor dy, boolean needInputGrad) {
        if (!needInputGrad) return null;
        Scratch s = scratch(Scratch::new);
        Tensor dx = s.dxBuf.get(dy.dim(0), inputShape());
        op(s, dy.dim(0)).backward(dx.data(), dy.data());
        return dx;
    }
}

package dev.fovea.onnx.imp;

import dev.fovea.FoveaException;
import dev.fovea.nn.LayerNormalization;
import dev.fovea.nn.Reduce;
import dev.fovea.onnx.Holding;
import dev.fovea.onnx.OnnxTensor;
import dev.fovea.onnx.proto.OnnxProto.NodeProto;

import java.util.Arrays;
import java.util.Map;

/**
 * Reductions and normalisations over axes: ReduceMean, ReduceSum, ReduceMax, ReduceL2 (axes as an
 * attribute before opset 18 (13 for ReduceSum), as an input since) and LayerNormalization
 * (opset 17). ONNX axes map to the axes Fovea holds them on, so a reduction over H and W of an
 * image held NHWC needs no transpose.
 */
final class ReduceOps {
    private ReduceOps() {}

    static void register(Map<String, Converter> ops) {
        ops.put("ReduceMean", (n, a, g) -> reduce(n, a, g, Reduce.Op.MEAN, 18));
        ops.put("ReduceSum", (n, a, g) -> reduce(n, a, g, Reduce.Op.SUM, 13));
        ops.put("ReduceMax", (n, a, g) -> reduce(n, a, g, Reduce.Op.MAX, 18));
        ops.put("ReduceL2", (n, a, g) -> reduce(n, a, g, Reduce.Op.L2, 18));
        ops.put("ReduceSumSquare", (n, a, g) -> reduce(n, a, g, Reduce.Op.SUM_SQUARE, 18));
        ops.put("LayerNormalization", ReduceOps::layerNorm);
        ops.put("InstanceNormalization", ReduceOps::instanceNorm);
    }

    /** axesAsInputSince: the opset where the axes moved from an attribute to input 1 (with noop_with_empty_axes). */
    private static void reduce(NodeProto n, Attributes a, Graph g, Reduce.Op op, int axesAsInputSince) {
        Value v = g.in(n, 0);
        int r = v.rank();
        boolean keep = a.integer("keepdims", 1) != 0;
        long[] axes;
        boolean noop = false;
        if (g.opset >= axesAsInputSince) {
            axes = g.hasInput(n, 1) ? g.constant(n, 1, "the axes").longs(g.at(n)) : null;
            noop = a.integer("noop_with_empty_axes", 0) != 0;
        } else {
            axes = a.ints("axes");
        }
        if (axes == null || axes.length == 0) {
            if (noop) {
                g.out(n, 0, v);
                return;
            }
            axes = new long[r];
            for (int i = 0; i < r; i++) axes[i] = i;
        }
        boolean[] reduced = new boolean[r];
        for (long ax : axes) {
            int i = ShapeOps.axis(ax, r, n, g);
            if (reduced[i]) throw new FoveaException(g.at(n) + ": axis " + ax + " is given twice");
            reduced[i] = true;
        }
        g.out(n, 0, reduce(v, reduced, keep, op, n, g));
    }

    /** v reduced over the ONNX axes marked, as a Reduce layer (or folded when v is a constant). */
    static Value reduce(Value v, boolean[] reduced, boolean keep, Reduce.Op op, NodeProto n, Graph g) {
        int r = v.rank();
        int count = 0;
        for (boolean b : reduced) if (b) count++;
        int[] out = new int[r];
        int k = 0;
        for (int i = 0; i < r; i++) {
            if (!reduced[i]) out[k++] = v.dim(i);
            else if (keep) out[k++] = 1;
        }
        out = Arrays.copyOf(out, k);
        if (r == 0) return v;
        if (v.isConstant()) {
            int[] kerasAxes = new int[count];
            int j = 0;
            for (int i = 0; i < r; i++) if (reduced[i]) kerasAxes[j++] = i + 1;
            OnnxTensor folded = Folding.withLayer(new Reduce(op, kerasAxes, keep), v.constant());
            return Value.of(folded.withDims(out));
        }
        if (v.holding().batched() && (reduced[0] || !keep && k < 2)) {
            g.requireWhole(n, reduced[0] ? "reduces across the first (batch) axis" : "leaves a batch of scalars");
            v = g.to(v, Holding.rowMajor(r, false), n);
        }
        Holding h = v.holding();
        int[] perm = h.perm();
        int[] kerasAxes = new int[count];
        int j = 0;
        for (int i = 0; i < perm.length; i++) if (reduced[perm[i]]) kerasAxes[j++] = i + 1;
        if (j != count) throw new IllegalStateException("reduced axes not all held");
        Holding outHolding = h;
        if (!keep) {
            // Renumber the remaining ONNX axes in the order Fovea holds them.
            int[] np = new int[perm.length - j];
            int q = 0;
            for (int p : perm) {
                if (reduced[p]) continue;
                int below = 0;
                for (int i = 0; i < p; i++) if (reduced[i]) below++;
                np[q++] = p - below;
            }
            outHolding = new Holding(h.batched(), np);
        }
        int node = g.add(new Reduce(op, kerasAxes, keep), v.node());
        return Value.dynamic(node, out, outHolding);
    }

    private static void layerNorm(NodeProto n, Attributes a, Graph g) {
        Value x = g.in(n, 0);
        int r = x.rank();
        int axis = ShapeOps.axis(a.integer("axis", -1), r, n, g);
        float epsilon = a.number("epsilon", 1e-5f);
        if (x.isConstant()) throw new FoveaException(g.at(n) + ": normalising a constant input is not supported");
        int[] norm = Arrays.copyOfRange(x.dims(), axis, r);
        int size = (int) OnnxTensor.count(norm);
        OnnxTensor scale = expand(g.constant(n, 1, "the scale"), norm, n, g, "scale");
        OnnxTensor bias = g.hasInput(n, 2) ? expand(g.constant(n, 2, "the bias B"), norm, n, g, "bias B") : null;
        if (x.holding().batched() && axis == 0) {
            g.requireWhole(n, "normalises across the first (batch) axis");
            x = g.to(x, Holding.rowMajor(r, false), n);
        }
        // The normalised ONNX axes must be the trailing Fovea axes, in order.
        int[] perm = x.holding().perm();
        boolean trailing = perm.length >= r - axis;
        for (int i = 0; trailing && i < r - axis; i++) trailing = perm[perm.length - (r - axis) + i] == axis + i;
        if (!trailing) {
            x = g.toRowMajor(x, n);
            perm = x.holding().perm();
        }
        LayerNormalization layer = new LayerNormalization(perm.length - (r - axis) + 1, epsilon);
        g.weight(layer, "gamma", size, dest -> scale.copyTo(0, dest, 0, size));
        if (bias != null) g.weight(layer, "beta", size, dest -> bias.copyTo(0, dest, 0, size));
        g.out(n, 0, Value.dynamic(g.add(layer, x.node()), x.dims(), x.holding()));
        if (n.getOutputCount() > 1) statistics(n, g, g.in(n, 0), axis, epsilon);
    }

    /** The optional outputs Mean and InvStdDev (shaped as X with the normalised axes 1), from Fovea's layers. */
    private static void statistics(NodeProto n, Graph g, Value x, int axis, float epsilon) {
        boolean[] reduced = new boolean[x.rank()];
        for (int i = axis; i < reduced.length; i++) reduced[i] = true;
        Value mean = reduce(x, reduced, true, Reduce.Op.MEAN, n, g);
        g.out(n, 1, mean);
        if (n.getOutputCount() < 3 || n.getOutput(2).isEmpty()) return;
        Value d = MathOps.binary(x, mean, dev.fovea.nn.Elementwise.Operation.SUBTRACT, n, g);
        Value sq = Value.dynamic(g.add(dev.fovea.nn.UnaryMath.pow(2), d.node()), d.dims(), d.holding());
        Value var = reduce(sq, reduced, true, Reduce.Op.MEAN, n, g);
        Value shifted = MathOps.binary(var, Value.of(OnnxTensor.ofFloats(new int[0], new float[] {epsilon})), dev.fovea.nn.Elementwise.Operation.ADD, n, g);
        g.out(n, 2, Value.dynamic(g.add(dev.fovea.nn.UnaryMath.pow(-0.5), shifted.node()), shifted.dims(), shifted.holding()));
    }

    /**
     * InstanceNormalization: each example's channels standardised over their spatial axes, then
     * scaled and shifted per channel; built from Reduce, UnaryMath and Elementwise layers:
     * (x - mean) · (var + eps)^-1/2 · scale + B.
     */
    private static void instanceNorm(NodeProto n, Attributes a, Graph g) {
        Value x = g.in(n, 0);
        int r = x.rank();
        if (r < 3) throw new FoveaException(g.at(n) + ": needs an input (N, C, D1, ...), got " + Arrays.toString(x.dims()));
        if (x.isConstant()) throw new FoveaException(g.at(n) + ": normalising a constant input is not supported");
        float epsilon = a.number("epsilon", 1e-5f);
        int c = x.dim(1);
        OnnxTensor scale = g.constant(n, 1, "the scale"), bias = g.constant(n, 2, "the bias B");
        if (scale.size() != c || bias.size() != c) throw new FoveaException(g.at(n) + ": scale and B need " + c + " values (one per channel)");
        boolean[] spatial = new boolean[r];
        for (int i = 2; i < r; i++) spatial[i] = true;
        Value mean = reduce(x, spatial, true, Reduce.Op.MEAN, n, g);
        Value d = MathOps.binary(x, mean, dev.fovea.nn.Elementwise.Operation.SUBTRACT, n, g);
        Value sq = Value.dynamic(g.add(dev.fovea.nn.UnaryMath.pow(2), d.node()), d.dims(), d.holding());
        Value var = reduce(sq, spatial, true, Reduce.Op.MEAN, n, g);
        Value shifted = MathOps.binary(var, Value.of(OnnxTensor.ofFloats(new int[0], new float[] {epsilon})), dev.fovea.nn.Elementwise.Operation.ADD, n, g);
        Value inv = Value.dynamic(g.add(dev.fovea.nn.UnaryMath.pow(-0.5), shifted.node()), shifted.dims(), shifted.holding());
        Value y = MathOps.binary(d, inv, dev.fovea.nn.Elementwise.Operation.MULTIPLY, n, g);
        int[] perChannel = new int[r - 1];
        Arrays.fill(perChannel, 1);
        perChannel[0] = c;
        y = MathOps.binary(y, Value.of(scale.withDims(perChannel)), dev.fovea.nn.Elementwise.Operation.MULTIPLY, n, g);
        y = MathOps.binary(y, Value.of(bias.withDims(perChannel)), dev.fovea.nn.Elementwise.Operation.ADD, n, g);
        g.out(n, 0, y);
    }

    /** A scale or bias broadcast to the normalised shape (they may be given with fewer axes or 1s). */
    private static OnnxTensor expand(OnnxTensor t, int[] norm, NodeProto n, Graph g, String what) {
        if (Arrays.equals(t.dims(), norm)) return t;
        int[] out;
        try {
            out = dev.fovea.ops.BroadcastOp.broadcastShape(norm, t.dims(), g.at(n));
        } catch (FoveaException e) {
            throw new FoveaException(g.at(n) + ": " + what + " " + Arrays.toString(t.dims()) + " does not broadcast to the normalised shape " + Arrays.toString(norm));
        }
        if (!Arrays.equals(out, norm)) throw new FoveaException(g.at(n) + ": " + what + " " + Arrays.toString(t.dims()) + " does not broadcast to " + Arrays.toString(norm));
        return Folding.binary(dev.fovea.ops.BroadcastOp.Kind.ADD, OnnxTensor.ofFloats(norm, new float[(int) OnnxTensor.count(norm)]), t, g.at(n));
    }
}

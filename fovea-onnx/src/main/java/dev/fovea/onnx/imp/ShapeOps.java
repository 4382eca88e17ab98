package dev.fovea.onnx.imp;

import dev.fovea.FoveaException;
import dev.fovea.nn.Concatenate;
import dev.fovea.nn.ConstantLayer;
import dev.fovea.nn.Dropout;
import dev.fovea.model.Model;
import dev.fovea.nn.Pad;
import dev.fovea.nn.Reshape;
import dev.fovea.nn.ZeroPadding2D;
import dev.fovea.onnx.Holding;
import dev.fovea.onnx.OnnxTensor;
import dev.fovea.onnx.proto.OnnxProto.NodeProto;
import dev.fovea.ops.PadOp;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Shapes and layouts: Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Concat, Pad, the shape
 * arithmetic (Shape, Gather, Constant, ConstantOfShape, Cast), and pass-throughs (Identity,
 * Dropout). Transpose of a computed value adds no layer: it only changes how the value is held.
 */
final class ShapeOps {
    private ShapeOps() {}

    static void register(Map<String, Converter> ops) {
        ops.put("Reshape", ShapeOps::reshape);
        ops.put("Flatten", ShapeOps::flatten);
        ops.put("Squeeze", ShapeOps::squeeze);
        ops.put("Unsqueeze", ShapeOps::unsqueeze);
        ops.put("Transpose", ShapeOps::transpose);
        ops.put("Concat", ShapeOps::concat);
        ops.put("Pad", ShapeOps::pad);
        ops.put("Shape", ShapeOps::shape);
        ops.put("Gather", ShapeOps::gather);
        ops.put("Constant", ShapeOps::constant);
        ops.put("ConstantOfShape", ShapeOps::constantOfShape);
        ops.put("Cast", ShapeOps::cast);
        ops.put("Identity", (n, a, g) -> g.out(n, 0, g.in(n, 0)));
        ops.put("Dropout", ShapeOps::dropout);
        ops.put("Expand", ShapeOps::expand);
        ops.put("Slice", ShapeOps::slice);
    }

    /** Expand broadcasts both ways, exactly as adding zeros of the target shape does. */
    private static void expand(NodeProto n, Attributes a, Graph g) {
        long[] shape = g.constant(n, 1, "the shape").longs(g.at(n));
        int[] d = new int[shape.length];
        for (int i = 0; i < d.length; i++) {
            if (shape[i] < 0 || shape[i] > 1 << 24) throw new FoveaException(g.at(n) + ": shape entry " + shape[i] + " is not a size");
            d[i] = (int) shape[i];
        }
        long count = OnnxTensor.count(d);
        if (count < 0) throw new FoveaException(g.at(n) + ": shape " + Arrays.toString(d) + " has too many elements");
        g.reserve(count, n);
        Value v = g.in(n, 0);
        Value zeros = Value.of(OnnxTensor.ofFloats(d, new float[(int) count]));
        if (v.isConstant() && !v.constant().isFloat()) {
            int[] out = dev.fovea.ops.BroadcastOp.broadcastShape(v.dims(), d, g.at(n));
            g.out(n, 0, Value.of(Folding.binary(dev.fovea.ops.BroadcastOp.Kind.ADD, v.constant(),
                    OnnxTensor.ofLongs(d, new long[(int) count]), g.at(n)).withDims(out)));
            return;
        }
        g.out(n, 0, MathOps.binary(v, zeros, dev.fovea.nn.Elementwise.Operation.ADD, n, g));
    }

    /**
     * Slice: any steps on constants; on computed values steps of 1, which crop, i.e. pad by
     * negative amounts.
     */
    private static void slice(NodeProto n, Attributes a, Graph g) {
        Value v = g.in(n, 0);
        int r = v.rank();
        long[] starts, ends, axes, steps;
        if (g.opset < 10) {
            starts = a.ints("starts");
            ends = a.ints("ends");
            axes = a.ints("axes");
            steps = null;
        } else {
            starts = g.constant(n, 1, "starts").longs(g.at(n));
            ends = g.constant(n, 2, "ends").longs(g.at(n));
            axes = g.hasInput(n, 3) ? g.constant(n, 3, "axes").longs(g.at(n)) : null;
            steps = g.hasInput(n, 4) ? g.constant(n, 4, "steps").longs(g.at(n)) : null;
        }
        if (starts == null || ends == null || starts.length != ends.length) throw new FoveaException(g.at(n) + ": starts and ends must be given, one each per axis");
        int[] begin = new int[r], step = new int[r], count = v.dims();
        Arrays.fill(step, 1);
        for (int i = 0; i < starts.length; i++) {
            int ax = axis(axes == null ? i : axes[i], r, n, g);
            long st = steps == null ? 1 : steps[i];
            if (st == 0) throw new FoveaException(g.at(n) + ": a step of 0");
            long dim = v.dim(ax);
            long s0 = starts[i] < 0 ? starts[i] + dim : starts[i];
            long e0 = ends[i] < 0 ? ends[i] + dim : ends[i];
            if (st > 0) {
                s0 = Math.max(0, Math.min(dim, s0));
                e0 = Math.max(0, Math.min(dim, e0));
            } else {
                s0 = Math.max(-1, Math.min(dim - 1, s0));
                e0 = Math.max(-1, Math.min(dim - 1, e0));
            }
            long len = st > 0 ? Math.max(0, (e0 - s0 + st - 1) / st) : Math.max(0, (s0 - e0 - st - 1) / -st);
            begin[ax] = (int) s0;
            step[ax] = (int) Math.max(-(1 << 24), Math.min(1 << 24, st));
            count[ax] = (int) len;
        }
        if (v.isConstant()) {
            g.out(n, 0, Value.of(sliceConstant(v.constant(), begin, step, count)));
            return;
        }
        int[] before = new int[r], after = new int[r];
        for (int i = 0; i < r; i++) {
            if (step[i] != 1) throw new FoveaException(g.at(n) + ": steps other than 1 are supported on constants only");
            before[i] = -begin[i];
            after[i] = -(v.dim(i) - begin[i] - count[i]);
        }
        Holding h = v.holding();
        if (h.batched() && (before[0] != 0 || after[0] != 0)) {
            g.requireWhole(n, "slices the first (batch) axis");
            v = g.to(v, Holding.rowMajor(r, false), n);
            h = v.holding();
        }
        int[] per = h.perm();
        int[][] p = new int[per.length][];
        for (int i = 0; i < per.length; i++) p[i] = new int[] {before[per[i]], after[per[i]]};
        g.out(n, 0, Value.dynamic(g.add(new Pad(p, PadOp.Mode.CONSTANT, 0), v.node()), count, h));
    }

    private static OnnxTensor sliceConstant(OnnxTensor t, int[] begin, int[] step, int[] count) {
        int r = count.length;
        int[] strides = Folding.strides(t.dims());
        int total = (int) OnnxTensor.count(count);
        float[] f = t.isFloat() ? new float[total] : null;
        long[] l = t.isFloat() ? null : new long[total];
        int[] idx = new int[r];
        for (int k = 0; k < total; k++) {
            int src = 0;
            for (int i = 0; i < r; i++) src += (begin[i] + idx[i] * step[i]) * strides[i];
            if (f != null) f[k] = t.floatData()[src];
            else l[k] = t.longData()[src];
            for (int i = r - 1; i >= 0; i--) {
                if (++idx[i] < count[i]) break;
                idx[i] = 0;
            }
        }
        return f != null ? OnnxTensor.ofFloats(count, f) : OnnxTensor.ofLongs(count, l);
    }

    static int axis(long axis, int rank, NodeProto n, Graph g) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= Math.max(rank, 1)) throw new FoveaException(g.at(n) + ": axis " + axis + " is outside a tensor of rank " + rank);
        return (int) a;
    }

    /** The value v with ONNX dims target (same elements, row-major order), as a layer or a folded constant. */
    static Value reshapeTo(Value v, int[] target, NodeProto n, Graph g) {
        if (OnnxTensor.count(target) != OnnxTensor.count(v.dims())) {
            throw new FoveaException(g.at(n) + ": cannot reshape " + Arrays.toString(v.dims()) + " to " + Arrays.toString(target));
        }
        if (v.isConstant()) return Value.of(v.constant().withDims(target));
        boolean batched = v.holding().batched() && target.length >= 2 && target[0] == v.dim(0);
        if (!batched) g.requireWhole(n, "reshapes across the first (batch) axis");
        Value r = g.to(v, Holding.rowMajor(v.rank(), batched), n);
        Holding out = Holding.rowMajor(target.length, batched);
        int[] per = out.perExample(target);
        if (Arrays.equals(per, r.perExample())) return Value.dynamic(r.node(), target, out);
        return Value.dynamic(g.add(new Reshape(per), r.node()), target, out);
    }

    private static void reshape(NodeProto n, Attributes a, Graph g) {
        Value v = g.in(n, 0);
        long[] shape = g.opset < 5 ? a.ints("shape") : g.constant(n, 1, "the target shape").longs(g.at(n));
        if (shape == null) throw new FoveaException(g.at(n) + ": attribute shape is required");
        boolean allowZero = a.integer("allowzero", 0) != 0;
        int[] d = v.dims();
        int[] out = new int[shape.length];
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < shape.length; i++) {
            long s = shape[i];
            if (s == 0 && !allowZero) {
                if (i >= d.length) throw new FoveaException(g.at(n) + ": shape entry " + i + " is 0 (copy) but the input has rank " + d.length);
                s = d[i];
            }
            if (s == -1) {
                if (unknown >= 0) throw new FoveaException(g.at(n) + ": more than one shape entry is -1");
                unknown = i;
                continue;
            }
            if (s < 0 || s > Integer.MAX_VALUE) throw new FoveaException(g.at(n) + ": shape entry " + shape[i] + " is not a size");
            out[i] = (int) s;
            known *= s;
        }
        long total = OnnxTensor.count(d);
        if (unknown >= 0) {
            if (known == 0 || total % known != 0) throw new FoveaException(g.at(n) + ": cannot infer -1 reshaping " + Arrays.toString(d) + " to " + Arrays.toString(shape));
            out[unknown] = (int) (total / known);
        }
        g.out(n, 0, reshapeTo(v, out, n, g));
    }

    private static void flatten(NodeProto n, Attributes a, Graph g) {
        Value v = g.in(n, 0);
        int r = v.rank();
        long ax = a.integer("axis", 1);
        int axis = (int) (ax < 0 ? ax + r : ax);
        if (axis < 0 || axis > r) throw new FoveaException(g.at(n) + ": axis " + ax + " is outside [-" + r + ", " + r + "]");
        int[] d = v.dims();
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= d[i];
        for (int i = axis; i < r; i++) inner *= d[i];
        g.out(n, 0, reshapeTo(v, new int[] {outer, inner}, n, g));
    }

    private static long[] axesOf(NodeProto n, Attributes a, Graph g, int inputIndex) {
        if (g.opset >= 13) return g.hasInput(n, inputIndex) ? g.constant(n, inputIndex, "the axes").longs(g.at(n)) : null;
        return a.ints("axes");
    }

    private static void squeeze(NodeProto n, Attributes a, Graph g) {
        Value v = g.in(n, 0);
        long[] axes = axesOf(n, a, g, 1);
        boolean[] drop = new boolean[v.rank()];
        if (axes == null) {
            for (int i = 0; i < drop.length; i++) drop[i] = v.dim(i) == 1;
        } else {
            for (long ax : axes) {
                int i = axis(ax, v.rank(), n, g);
                if (v.dim(i) != 1) throw new FoveaException(g.at(n) + ": cannot squeeze axis " + ax + " of size " + v.dim(i));
                drop[i] = true;
            }
        }
        int[] out = new int[v.rank()];
        int k = 0;
        for (int i = 0; i < drop.length; i++) if (!drop[i]) out[k++] = v.dim(i);
        g.out(n, 0, reshapeTo(v, Arrays.copyOf(out, k), n, g));
    }

    private static void unsqueeze(NodeProto n, Attributes a, Graph g) {
        Value v = g.in(n, 0);
        long[] axes = axesOf(n, a, g, 1);
        if (axes == null) throw new FoveaException(g.at(n) + ": axes are required");
        int r = v.rank() + axes.length;
        boolean[] added = new boolean[r];
        for (long ax : axes) {
            int i = axis(ax, r, n, g);
            if (added[i]) throw new FoveaException(g.at(n) + ": axis " + ax + " is given twice");
            added[i] = true;
        }
        int[] out = new int[r];
        int k = 0;
        for (int i = 0; i < r; i++) out[i] = added[i] ? 1 : v.dim(k++);
        g.out(n, 0, reshapeTo(v, out, n, g));
    }

    private static void transpose(NodeProto n, Attributes a, Graph g) {
        Value v = g.in(n, 0);
        int r = v.rank();
        int[] perm = a.smallInts("perm", null, 0, Math.max(0, r - 1));
        if (perm == null) {
            perm = new int[r];
            for (int i = 0; i < r; i++) perm[i] = r - 1 - i;
        }
        boolean[] seen = new boolean[r];
        if (perm.length != r) throw new FoveaException(g.at(n) + ": perm " + Arrays.toString(perm) + " does not order " + r + " axes");
        for (int p : perm) {
            if (seen[p]) throw new FoveaException(g.at(n) + ": perm " + Arrays.toString(perm) + " repeats axis " + p);
            seen[p] = true;
        }
        if (v.isConstant()) {
            g.out(n, 0, Value.of(Folding.transpose(v.constant(), perm)));
            return;
        }
        if (v.holding().batched() && perm[0] != 0) {
            g.requireWhole(n, "moves the first (batch) axis");
            v = g.to(v, Holding.rowMajor(r, false), n);
        }
        // Only the bookkeeping changes: the data stays where it is, described by new axis numbers.
        int[] inverse = new int[r];
        for (int i = 0; i < r; i++) inverse[perm[i]] = i;
        int[] held = v.holding().perm();
        for (int i = 0; i < held.length; i++) held[i] = inverse[held[i]];
        int[] d = v.dims(), out = new int[r];
        for (int i = 0; i < r; i++) out[i] = d[perm[i]];
        g.out(n, 0, Value.dynamic(v.node(), out, new Holding(v.holding().batched(), held)));
    }

    private static void concat(NodeProto n, Attributes a, Graph g) {
        int count = n.getInputCount();
        if (count == 0) throw new FoveaException(g.at(n) + ": needs at least one input");
        Value[] in = new Value[count];
        Value ref = null;
        for (int i = 0; i < count; i++) {
            in[i] = g.in(n, i);
            if (ref == null && !in[i].isConstant()) ref = in[i];
        }
        int r = in[0].rank();
        if (!a.has("axis") && g.opset >= 4) throw new FoveaException(g.at(n) + ": attribute axis is required");
        int axis = axis(a.integer("axis", 1), r, n, g);
        int[] out = in[0].dims();
        out[axis] = 0;
        for (Value v : in) {
            if (v.rank() != r) throw new FoveaException(g.at(n) + ": inputs of ranks " + r + " and " + v.rank() + " cannot be joined");
            for (int d = 0; d < r; d++) {
                if (d != axis && v.dim(d) != in[0].dim(d)) {
                    throw new FoveaException(g.at(n) + ": inputs " + Arrays.toString(in[0].dims()) + " and " + Arrays.toString(v.dims()) + " differ outside axis " + axis);
                }
            }
            out[axis] += v.dim(axis);
        }
        if (ref == null) {
            OnnxTensor[] parts = new OnnxTensor[count];
            for (int i = 0; i < count; i++) parts[i] = in[i].constant();
            g.out(n, 0, Value.of(Folding.concat(parts, axis)));
            return;
        }
        if (count == 1) {
            g.out(n, 0, ref);
            return;
        }
        Holding h = ref.holding();
        boolean needWhole = h.batched() && axis == 0;
        for (Value v : in) needWhole |= h.batched() && v.isConstant() && v.dim(0) != 1;
        if (needWhole) {
            g.requireWhole(n, axis == 0 ? "joins along the first (batch) axis" : "joins a constant that has a batch of its own");
            h = Holding.rowMajor(r, false);
        }
        int[] nodes = new int[count];
        for (int i = 0; i < count; i++) {
            if (in[i].isConstant()) {
                OnnxTensor c = g.constantIn(in[i].constant(), r, h, n);
                ConstantLayer layer = new ConstantLayer(c.shape());
                nodes[i] = g.add(layer, Model.MODEL_INPUT);
                g.weight(layer, "value", c.floats());
            } else {
                nodes[i] = g.to(in[i], h, n).node();
            }
        }
        g.out(n, 0, Value.dynamic(g.add(new Concatenate(h.axisOf(axis) + 1), nodes), out, h));
    }

    private static void pad(NodeProto n, Attributes a, Graph g) {
        Value v = g.in(n, 0);
        int r = v.rank();
        long[] pads;
        float value;
        if (g.opset < 11) {
            pads = a.ints(g.opset < 2 ? "paddings" : "pads");
            value = a.number("value", 0f);
        } else {
            pads = g.constant(n, 1, "the pads").longs(g.at(n));
            value = g.hasInput(n, 2) ? constantScalar(g.constant(n, 2, "the constant value"), n, g) : 0f;
        }
        if (pads == null) throw new FoveaException(g.at(n) + ": pads are required");
        long[] axes = g.opset >= 18 && g.hasInput(n, 3) ? g.constant(n, 3, "the axes").longs(g.at(n)) : null;
        int[] before = new int[r], after = new int[r];
        int k = axes == null ? r : axes.length;
        if (pads.length != 2 * k) throw new FoveaException(g.at(n) + ": has " + pads.length + " pads for " + k + " axes (2 per axis are needed)");
        for (int i = 0; i < k; i++) {
            int ax = axes == null ? i : axis(axes[i], r, n, g);
            before[ax] = (int) Math.max(-(1 << 24), Math.min(1 << 24, pads[i]));
            after[ax] = (int) Math.max(-(1 << 24), Math.min(1 << 24, pads[i + k]));
        }
        String modeName = a.string("mode", "constant").toLowerCase(Locale.ROOT);
        PadOp.Mode mode = switch (modeName) {
            case "constant" -> PadOp.Mode.CONSTANT;
            case "reflect" -> PadOp.Mode.REFLECT;
            case "edge" -> PadOp.Mode.EDGE;
            case "wrap" -> PadOp.Mode.WRAP;
            default -> throw new FoveaException(g.at(n) + ": mode \"" + modeName + "\" is not supported; accepted: constant, reflect, edge, wrap");
        };
        int[] out = v.dims();
        for (int i = 0; i < r; i++) {
            out[i] += before[i] + after[i];
            if (out[i] < 0) throw new FoveaException(g.at(n) + ": pads make axis " + i + " negative");
        }
        if (v.isConstant()) {
            int[][] p = new int[r][];
            for (int i = 0; i < r; i++) p[i] = new int[] {before[i], after[i]};
            g.out(n, 0, Value.of(Folding.withLayer(new Pad(p, mode, value), v.constant())));
            return;
        }
        Holding h = v.holding();
        if (h.batched() && (before[0] != 0 || after[0] != 0)) {
            g.requireWhole(n, "pads the first (batch) axis");
            v = g.to(v, Holding.rowMajor(r, false), n);
            h = v.holding();
        }
        int[] per = h.perm();
        int[][] p = new int[per.length][];
        for (int i = 0; i < per.length; i++) p[i] = new int[] {before[per[i]], after[per[i]]};
        boolean zeroImage = h.equals(Holding.nhwc()) && mode == PadOp.Mode.CONSTANT && value == 0f && p[2][0] == 0 && p[2][1] == 0
                && p[0][0] >= 0 && p[0][1] >= 0 && p[1][0] >= 0 && p[1][1] >= 0;
        int node = zeroImage ? g.add(new ZeroPadding2D(new int[][] {p[0], p[1]}), v.node()) : g.add(new Pad(p, mode, value), v.node());
        g.out(n, 0, Value.dynamic(node, out, h));
    }

    static float constantScalar(OnnxTensor t, NodeProto n, Graph g) {
        if (t.size() != 1) throw new FoveaException(g.at(n) + ": expected a single value, got a tensor " + Arrays.toString(t.dims()));
        return t.floats()[0];
    }

    private static void shape(NodeProto n, Attributes a, Graph g) {
        int[] d = g.in(n, 0).dims();
        int r = d.length;
        long start = a.integer("start", 0), end = a.integer("end", r);
        int s = (int) Math.max(0, Math.min(r, start < 0 ? start + r : start));
        int e = (int) Math.max(0, Math.min(r, end < 0 ? end + r : end));
        long[] out = new long[Math.max(0, e - s)];
        for (int i = 0; i < out.length; i++) out[i] = d[s + i];
        g.out(n, 0, Value.of(OnnxTensor.ofLongs(new int[] {out.length}, out)));
    }

    private static void gather(NodeProto n, Attributes a, Graph g) {
        Value data = g.in(n, 0);
        if (!data.isConstant()) {
            throw new FoveaException(g.at(n) + ": gathers from a computed tensor; Fovea folds Gather only where the graph computes shapes "
                    + "(data known at import time)");
        }
        OnnxTensor idx = g.constant(n, 1, "the indices");
        int axis = axis(a.integer("axis", 0), data.rank(), n, g);
        g.out(n, 0, Value.of(Folding.gather(data.constant(), idx.longs(g.at(n)), idx.dims(), axis, g.at(n))));
    }

    private static void constant(NodeProto n, Attributes a, Graph g) {
        OnnxTensor t = a.tensor("value");
        if (t == null && a.has("value_float")) t = OnnxTensor.ofFloats(new int[0], new float[] {a.number("value_float", 0)});
        if (t == null && a.has("value_floats")) {
            float[] f = a.floats("value_floats");
            t = OnnxTensor.ofFloats(new int[] {f.length}, f);
        }
        if (t == null && a.has("value_int")) t = OnnxTensor.ofLongs(new int[0], new long[] {a.integer("value_int", 0)});
        if (t == null && a.has("value_ints")) {
            long[] l = a.ints("value_ints");
            t = OnnxTensor.ofLongs(new int[] {l.length}, l);
        }
        if (t == null) {
            throw new FoveaException(g.at(n) + ": needs a value, value_float(s) or value_int(s) attribute (sparse and string constants are not supported)");
        }
        g.out(n, 0, Value.of(t));
    }

    private static void constantOfShape(NodeProto n, Attributes a, Graph g) {
        long[] shape = g.constant(n, 0, "the shape").longs(g.at(n));
        int[] d = new int[shape.length];
        for (int i = 0; i < d.length; i++) {
            if (shape[i] < 0 || shape[i] > Integer.MAX_VALUE) throw new FoveaException(g.at(n) + ": shape entry " + shape[i] + " is not a size");
            d[i] = (int) shape[i];
        }
        long count = OnnxTensor.count(d);
        if (count < 0) throw new FoveaException(g.at(n) + ": shape " + Arrays.toString(d) + " has more than 2^31-1 elements");
        g.reserve(count, n);
        OnnxTensor v = a.tensor("value");
        if (v == null) {
            g.out(n, 0, Value.of(OnnxTensor.ofFloats(d, new float[(int) count])));
        } else if (v.size() != 1) {
            throw new FoveaException(g.at(n) + ": value must hold one element, got " + Arrays.toString(v.dims()));
        } else if (v.isFloat()) {
            float[] f = new float[(int) count];
            Arrays.fill(f, v.floatData()[0]);
            g.out(n, 0, Value.of(OnnxTensor.ofFloats(d, f)));
        } else {
            long[] l = new long[(int) count];
            Arrays.fill(l, v.longData()[0]);
            g.out(n, 0, Value.of(OnnxTensor.ofLongs(d, l)));
        }
    }

    private static void cast(NodeProto n, Attributes a, Graph g) {
        Value v = g.in(n, 0);
        int to = (int) a.integer("to", 0);
        boolean toFloat = to == 1 || to == 10 || to == 11 || to == 16;
        boolean toInt = to >= 2 && to <= 7 || to == 9 || to == 12 || to == 13;
        if (!toFloat && !toInt) throw new FoveaException(g.at(n) + ": cast to " + TensorDecoder.typeName(to) + " is not supported");
        if (!v.isConstant()) {
            if (toFloat) {
                g.out(n, 0, v);
                return;
            }
            throw new FoveaException(g.at(n) + ": casts a computed tensor to " + TensorDecoder.typeName(to) + "; Fovea computes in float only");
        }
        OnnxTensor c = v.constant();
        if (toFloat) {
            g.out(n, 0, Value.of(OnnxTensor.ofFloats(c.dims(), c.floats().clone())));
        } else {
            long[] l = new long[c.size()];
            float[] f = c.floats();
            for (int i = 0; i < l.length; i++) l[i] = to == 9 ? (f[i] != 0 ? 1 : 0) : (long) f[i];
            g.out(n, 0, Value.of(c.isFloat() ? OnnxTensor.ofLongs(c.dims(), l) : OnnxTensor.ofLongs(c.dims(), c.longData().clone())));
        }
    }

    private static void dropout(NodeProto n, Attributes a, Graph g) {
        g.onlyFirstOutput(n);
        Value v = g.in(n, 0);
        float ratio = a.number("ratio", 0.5f);
        if (g.opset >= 12) {
            ratio = g.hasInput(n, 1) ? constantScalar(g.constant(n, 1, "the ratio"), n, g) : 0.5f;
            if (g.hasInput(n, 2) && constantScalar(g.constant(n, 2, "training_mode"), n, g) != 0) {
                throw new FoveaException(g.at(n) + ": training_mode is on; import models exported for inference");
            }
        }
        if (v.isConstant() || !(ratio > 0 && ratio < 1)) {
            g.out(n, 0, v);
            return;
        }
        // Kept as a layer so fine-tuning regularises as the original did; at inference it is the identity.
        g.out(n, 0, Value.dynamic(g.add(new Dropout(ratio), v.node()), v.dims(), v.holding()));
    }
}

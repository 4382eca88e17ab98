package dev.fovea.onnx.imp;

import dev.fovea.nn.ForwardContext;
import dev.fovea.nn.Layer;
import dev.fovea.model.Model;
import dev.fovea.nn.Parameter;
import dev.fovea.onnx.OnnxTensor;
import dev.fovea.ops.BroadcastOp;
import dev.fovea.ops.PermuteOp;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.Arrays;

/**
 * Evaluation of ops whose inputs are all known at import time: the shape arithmetic graphs do
 * (Shape, Gather, Concat, Unsqueeze, ...) and constant weight preprocessing. Integer tensors stay
 * exact (long); float tensors run through the same kernels the layers use.
 */
final class Folding {
    private Folding() {}

    /** Runs a one-input layer on a constant (as one example of the constant's whole shape). */
    static OnnxTensor withLayer(Layer layer, OnnxTensor x, float[]... weights) {
        Model m = new Model("fold");
        m.addNode(layer, Model.MODEL_INPUT);
        m.build(Shape.of(x.dims()));
        var params = layer.parameters();
        for (int i = 0; i < weights.length; i++) {
            Parameter p = params.get(i);
            System.arraycopy(weights[i], 0, p.value().data(), 0, p.size());
            p.markChanged();
        }
        Tensor out = m.forward(new Tensor(Shape.of(x.dims()).withBatch(1), x.floats()), ForwardContext.INFERENCE);
        return OnnxTensor.ofFloats(layer.outputShape().toArray(), out.data().clone());
    }

    static OnnxTensor transpose(OnnxTensor x, int[] perm) {
        int[] d = x.dims();
        int[] out = new int[d.length];
        for (int i = 0; i < d.length; i++) out[i] = d[perm[i]];
        if (x.isFloat()) {
            float[] o = new float[x.size()];
            if (d.length > 0) new PermuteOp(d, perm).forward(o, x.floatData());
            else o[0] = x.floatData()[0];
            return OnnxTensor.ofFloats(out, o);
        }
        long[] src = x.longData(), o = new long[src.length];
        int[] idx = new int[d.length];
        int[] strides = strides(d);
        for (int k = 0; k < o.length; k++) {
            int s = 0;
            for (int i = 0; i < d.length; i++) s += idx[i] * strides[perm[i]];
            o[k] = src[s];
            for (int i = d.length - 1; i >= 0; i--) {
                if (++idx[i] < out[i]) break;
                idx[i] = 0;
            }
        }
        return OnnxTensor.ofLongs(out, o);
    }

    /** Element-wise add/sub/mul/div with broadcasting; integer division truncates toward zero as ONNX. */
    static OnnxTensor binary(BroadcastOp.Kind kind, OnnxTensor a, OnnxTensor b, String where) {
        int[] out = BroadcastOp.broadcastShape(a.dims(), b.dims(), where);
        BroadcastOp.Plan plan = BroadcastOp.plan(a.dims(), b.dims(), out);
        if (a.isFloat() || b.isFloat()) {
            float[] o = new float[plan.size()];
            BroadcastOp.forward(kind, plan, o, a.floats(), b.floats());
            return OnnxTensor.ofFloats(out, o);
        }
        long[] x = a.longData(), y = b.longData(), o = new long[(int) OnnxTensor.count(out)];
        int[] ad = align(a.dims(), out.length), bd = align(b.dims(), out.length);
        int[] as = strides(ad), bs = strides(bd);
        int[] idx = new int[out.length];
        for (int k = 0; k < o.length; k++) {
            int ia = 0, ib = 0;
            for (int i = 0; i < out.length; i++) {
                if (ad[i] != 1) ia += idx[i] * as[i];
                if (bd[i] != 1) ib += idx[i] * bs[i];
            }
            o[k] = switch (kind) {
                case ADD -> x[ia] + y[ib];
                case SUB -> x[ia] - y[ib];
                case MUL -> x[ia] * y[ib];
                case DIV -> {
                    if (y[ib] == 0) throw new dev.fovea.FoveaException(where + ": integer division by zero");
                    yield x[ia] / y[ib];
                }
                case PRELU -> x[ia] > 0 ? x[ia] : y[ib] * x[ia];
                case MIN -> Math.min(x[ia], y[ib]);
                case MAX -> Math.max(x[ia], y[ib]);
            };
            for (int i = out.length - 1; i >= 0; i--) {
                if (++idx[i] < out[i]) break;
                idx[i] = 0;
            }
        }
        return OnnxTensor.ofLongs(out, o);
    }

    /** Concatenation along an axis of tensors of one kind (float if any is float). */
    static OnnxTensor concat(OnnxTensor[] parts, int axis) {
        int[] out = parts[0].dims();
        out[axis] = 0;
        for (OnnxTensor p : parts) out[axis] += p.dim(axis);
        int outer = 1;
        for (int i = 0; i < axis; i++) outer *= out[i];
        boolean f = false;
        for (OnnxTensor p : parts) f |= p.isFloat();
        int total = (int) OnnxTensor.count(out);
        float[] fo = f ? new float[total] : null;
        long[] lo = f ? null : new long[total];
        int rowOut = outer == 0 ? 0 : total / outer;
        int off = 0;
        for (OnnxTensor p : parts) {
            int row = outer == 0 ? 0 : p.size() / outer;
            for (int o = 0; o < outer; o++) {
                if (f) System.arraycopy(p.floats(), o * row, fo, o * rowOut + off, row);
                else System.arraycopy(p.longData(), o * row, lo, o * rowOut + off, row);
            }
            off += row;
        }
        return f ? OnnxTensor.ofFloats(out, fo) : OnnxTensor.ofLongs(out, lo);
    }

    /** numpy take along an axis with (possibly negative) integer indices. */
    static OnnxTensor gather(OnnxTensor data, long[] indices, int[] indexDims, int axis, String where) {
        int[] d = data.dims();
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= d[i];
        for (int i = axis + 1; i < d.length; i++) inner *= d[i];
        int[] out = new int[d.length - 1 + indexDims.length];
        System.arraycopy(d, 0, out, 0, axis);
        System.arraycopy(indexDims, 0, out, axis, indexDims.length);
        System.arraycopy(d, axis + 1, out, axis + indexDims.length, d.length - axis - 1);
        int n = (int) OnnxTensor.count(out);
        float[] fo = data.isFloat() ? new float[n] : null;
        long[] lo = data.isFloat() ? null : new long[n];
        int k = 0;
        for (int o = 0; o < outer; o++) {
            for (long raw : indices) {
                long i = raw < 0 ? raw + d[axis] : raw;
                if (i < 0 || i >= d[axis]) throw new dev.fovea.FoveaException(where + ": index " + raw + " is outside axis " + axis + " of size " + d[axis]);
                int src = (int) ((o * (long) d[axis] + i) * inner);
                if (fo != null) System.arraycopy(data.floatData(), src, fo, k, inner);
                else System.arraycopy(data.longData(), src, lo, k, inner);
                k += inner;
            }
        }
        return fo != null ? OnnxTensor.ofFloats(out, fo) : OnnxTensor.ofLongs(out, lo);
    }

    static int[] strides(int[] d) {
        int[] s = new int[d.length];
        int st = 1;
        for (int i = d.length - 1; i >= 0; i--) {
            s[i] = st;
            st *= d[i];
        }
        return s;
    }

    static int[] align(int[] d, int r) {
        int[] o = new int[r];
        Arrays.fill(o, 1);
        System.arraycopy(d, 0, o, r - d.length, d.length);
        return o;
    }
}

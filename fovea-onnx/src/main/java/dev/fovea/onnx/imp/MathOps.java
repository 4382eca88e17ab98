package dev.fovea.onnx.imp;

import dev.fovea.FoveaException;
import dev.fovea.nn.Activation;
import dev.fovea.nn.ActivationLayer;
import dev.fovea.nn.Add;
import dev.fovea.nn.AxisSoftmax;
import dev.fovea.nn.Dense;
import dev.fovea.nn.Elementwise;
import dev.fovea.nn.Layer;
import dev.fovea.nn.MatMul;
import dev.fovea.nn.PReLU;
import dev.fovea.nn.PiecewiseActivation;
import dev.fovea.nn.Reshape;
import dev.fovea.onnx.Holding;
import dev.fovea.onnx.OnnxTensor;
import dev.fovea.onnx.proto.OnnxProto.NodeProto;
import dev.fovea.ops.BroadcastOp;
import dev.fovea.tensor.Shape;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Arithmetic and activations: Add, Sub, Mul, Div, Sum (numpy broadcasting), Gemm, MatMul, Relu,
 * Sigmoid, Tanh, LeakyRelu, Elu, PRelu, Clip, Softmax and LogSoftmax (both axis semantics).
 * A Gemm reading a batch of vectors with a per-unit bias becomes Keras's Dense.
 */
final class MathOps {
    /** Activations a Conv or Gemm may take into its own layer when it is their only reader. */
    static final Set<String> FUSABLE = Set.of("Relu", "Sigmoid", "Tanh");

    private MathOps() {}

    static void register(Map<String, Converter> ops) {
        ops.put("Add", (n, a, g) -> binary(n, g, Elementwise.Operation.ADD));
        ops.put("Sub", (n, a, g) -> binary(n, g, Elementwise.Operation.SUBTRACT));
        ops.put("Mul", (n, a, g) -> binary(n, g, Elementwise.Operation.MULTIPLY));
        ops.put("Div", (n, a, g) -> binary(n, g, Elementwise.Operation.DIVIDE));
        ops.put("Sum", MathOps::sum);
        ops.put("Gemm", MathOps::gemm);
        ops.put("MatMul", MathOps::matMul);
        ops.put("Relu", (n, a, g) -> unary(n, g, () -> new ActivationLayer(Activation.RELU)));
        ops.put("Sigmoid", (n, a, g) -> unary(n, g, () -> new ActivationLayer(Activation.SIGMOID)));
        ops.put("Tanh", (n, a, g) -> unary(n, g, () -> new ActivationLayer(Activation.TANH)));
        ops.put("LeakyRelu", (n, a, g) -> unary(n, g, () -> PiecewiseActivation.leakyRelu(a.number("alpha", 0.01f))));
        ops.put("Elu", (n, a, g) -> unary(n, g, () -> PiecewiseActivation.elu(a.number("alpha", 1f))));
        ops.put("Clip", MathOps::clip);
        ops.put("PRelu", MathOps::prelu);
        ops.put("Softmax", (n, a, g) -> softmax(n, a, g, false));
        ops.put("LogSoftmax", (n, a, g) -> softmax(n, a, g, true));
    }

    /** The fused activation of a layer whose single reader is next (or LINEAR). */
    static Activation activationOf(NodeProto next) {
        if (next == null) return Activation.LINEAR;
        return switch (next.getOpType()) {
            case "Relu" -> Activation.RELU;
            case "Sigmoid" -> Activation.SIGMOID;
            case "Tanh" -> Activation.TANH;
            case "Softmax" -> Activation.SOFTMAX;
            default -> Activation.LINEAR;
        };
    }

    private static void unary(NodeProto n, Graph g, Supplier<Layer> layer) {
        Value v = g.in(n, 0);
        if (v.isConstant()) {
            g.out(n, 0, Value.of(Folding.withLayer(layer.get(), v.constant())));
            return;
        }
        g.out(n, 0, Value.dynamic(g.add(layer.get(), v.node()), v.dims(), v.holding()));
    }

    private static void clip(NodeProto n, Attributes a, Graph g) {
        float min, max;
        if (g.opset < 11) {
            min = a.number("min", Float.NEGATIVE_INFINITY);
            max = a.number("max", Float.POSITIVE_INFINITY);
        } else {
            min = g.hasInput(n, 1) ? ShapeOps.constantScalar(g.constant(n, 1, "min"), n, g) : Float.NEGATIVE_INFINITY;
            max = g.hasInput(n, 2) ? ShapeOps.constantScalar(g.constant(n, 2, "max"), n, g) : Float.POSITIVE_INFINITY;
        }
        float lo = min, hi = max;
        if (lo > hi) throw new FoveaException(g.at(n) + ": min " + lo + " is above max " + hi);
        unary(n, g, () -> PiecewiseActivation.clip(lo, hi));
    }

    private static void prelu(NodeProto n, Attributes a, Graph g) {
        Value v = g.in(n, 0);
        OnnxTensor slope = g.constant(n, 1, "the slope");
        if (v.isConstant()) {
            g.out(n, 0, Value.of(Folding.binary(BroadcastOp.Kind.PRELU, v.constant(), slope, g.at(n))));
            return;
        }
        int r = v.rank();
        int[] sd = slope.dims();
        // Opset 6 broadcast a per-channel slope (C) along axis 1; since opset 7 slopes broadcast from the right.
        if (g.opset < 7 && sd.length == 1 && r >= 2 && sd[0] == v.dim(1) && sd[0] != 1) {
            int[] d = new int[r - 1];
            Arrays.fill(d, 1);
            d[0] = sd[0];
            slope = slope.withDims(d);
        }
        if (slope.rank() > r) throw new FoveaException(g.at(n) + ": slope " + Arrays.toString(sd) + " has more axes than the input");
        int[] out = BroadcastOp.broadcastShape(v.dims(), slope.dims(), g.at(n));
        if (!Arrays.equals(out, v.dims())) throw new FoveaException(g.at(n) + ": slope " + Arrays.toString(sd) + " does not broadcast to the input " + Arrays.toString(v.dims()));
        Holding h = v.holding();
        int[] aligned = Folding.align(slope.dims(), r);
        if (h.batched() && aligned[0] != 1) {
            g.requireWhole(n, "has a slope per example");
            v = g.to(v, Holding.rowMajor(r, false), n);
            h = v.holding();
        }
        OnnxTensor alpha = g.constantIn(slope, r, h, n);
        int[] ad = alpha.dims(), per = v.perExample();
        int shared = 0;
        int[] sharedAxes = new int[ad.length];
        for (int i = 0; i < ad.length; i++) if (ad[i] == 1 && per[i] != 1) sharedAxes[shared++] = i + 1;
        PReLU layer = new PReLU(Arrays.copyOf(sharedAxes, shared));
        g.weight(layer, "alpha", alpha.floats());
        g.out(n, 0, Value.dynamic(g.add(layer, v.node()), v.dims(), h));
    }

    static void binary(NodeProto n, Graph g, Elementwise.Operation op) {
        g.out(n, 0, binary(g.in(n, 0), g.in(n, 1), op, n, g));
    }

    static Value binary(Value a, Value b, Elementwise.Operation op, NodeProto n, Graph g) {
        if (a.isConstant() && b.isConstant()) return Value.of(Folding.binary(kindOf(op), a.constant(), b.constant(), g.at(n)));
        int[] out = BroadcastOp.broadcastShape(a.dims(), b.dims(), g.at(n));
        if (a.isConstant() || b.isConstant()) {
            boolean constantFirst = a.isConstant();
            Value d = constantFirst ? b : a;
            OnnxTensor c = constantFirst ? a.constant() : b.constant();
            boolean keep = d.holding().batched() && d.rank() == out.length && out[0] == d.dim(0)
                    && Folding.align(c.dims(), out.length)[0] == 1;
            if (!keep) {
                if (d.holding().batched()) g.requireWhole(n, "broadcasts a constant across the first (batch) axis");
                d = wholeAtRank(d, out.length, n, g);
            }
            OnnxTensor pc = g.constantIn(c, out.length, d.holding(), n);
            Elementwise layer = new Elementwise(op, Shape.of(withoutLeadingOnes(pc.dims())), constantFirst);
            g.weight(layer, "constant", pc.floats());
            return Value.dynamic(g.add(layer, d.node()), out, d.holding());
        }
        boolean keep = a.holding().batched() && b.holding().batched() && a.rank() == b.rank() && a.dim(0) == b.dim(0);
        if (!keep) {
            if (a.holding().batched() || b.holding().batched()) g.requireWhole(n, "broadcasts across the first (batch) axis");
            a = wholeAtRank(a, out.length, n, g);
            b = wholeAtRank(b, out.length, n, g);
        }
        b = g.to(b, a.holding(), n);
        boolean same = Arrays.equals(a.dims(), b.dims());
        Layer layer = op == Elementwise.Operation.ADD && same ? new Add() : new Elementwise(op);
        return Value.dynamic(g.add(layer, a.node(), b.node()), out, a.holding());
    }

    /** d held whole with the given rank (leading 1s added in row-major order); whole mode only. */
    private static Value wholeAtRank(Value d, int rank, NodeProto n, Graph g) {
        if (!d.holding().batched() && d.rank() == rank) return d;
        Value w = g.to(d, Holding.rowMajor(d.rank(), false), n);
        if (rank == d.rank()) return w;
        int[] dims = Folding.align(w.dims(), rank);
        return Value.dynamic(g.add(new Reshape(dims), w.node()), dims, Holding.rowMajor(rank, false));
    }

    private static int[] withoutLeadingOnes(int[] d) {
        int i = 0;
        while (i < d.length && d[i] == 1) i++;
        return Arrays.copyOfRange(d, i, d.length);
    }

    static BroadcastOp.Kind kindOf(Elementwise.Operation op) {
        return switch (op) {
            case ADD -> BroadcastOp.Kind.ADD;
            case SUBTRACT -> BroadcastOp.Kind.SUB;
            case MULTIPLY -> BroadcastOp.Kind.MUL;
            case DIVIDE -> BroadcastOp.Kind.DIV;
        };
    }

    private static void sum(NodeProto n, Attributes a, Graph g) {
        int count = n.getInputCount();
        if (count == 0) throw new FoveaException(g.at(n) + ": needs at least one input");
        Value first = g.in(n, 0);
        boolean uniform = !first.isConstant();
        for (int i = 1; i < count && uniform; i++) {
            Value v = g.in(n, i);
            uniform = !v.isConstant() && Arrays.equals(v.dims(), first.dims());
        }
        if (uniform && count > 1) {
            int[] nodes = new int[count];
            nodes[0] = first.node();
            for (int i = 1; i < count; i++) nodes[i] = g.to(g.in(n, i), first.holding(), n).node();
            g.out(n, 0, Value.dynamic(g.add(new Add(), nodes), first.dims(), first.holding()));
            return;
        }
        Value acc = first;
        for (int i = 1; i < count; i++) acc = binary(acc, g.in(n, i), Elementwise.Operation.ADD, n, g);
        g.out(n, 0, acc);
    }

    private static void softmax(NodeProto n, Attributes a, Graph g, boolean log) {
        Value v = g.in(n, 0);
        int r = v.rank();
        boolean coerced = g.opset < 13;
        int axis = ShapeOps.axis(a.integer("axis", coerced ? 1 : -1), r, n, g);
        if (v.isConstant()) {
            g.out(n, 0, Value.of(Folding.withLayer(new AxisSoftmax(log, kerasAxes(axis, coerced ? r : axis + 1)), v.constant())));
            return;
        }
        int last = coerced ? r : axis + 1;   // softmax over ONNX axes [axis, last)
        if (v.holding().batched() && axis == 0) {
            g.requireWhole(n, "normalises across the first (batch) axis");
            v = g.to(v, Holding.rowMajor(r, false), n);
        }
        Holding h = v.holding();
        int[] fovea = new int[last - axis];
        for (int i = axis; i < last; i++) fovea[i - axis] = h.axisOf(i);
        Arrays.sort(fovea);
        boolean contiguous = fovea[fovea.length - 1] - fovea[0] == fovea.length - 1;
        if (!contiguous) {
            v = g.toRowMajor(v, n);
            h = v.holding();
            for (int i = axis; i < last; i++) fovea[i - axis] = h.axisOf(i);
            Arrays.sort(fovea);
        }
        int perRank = h.perm().length;
        int classes = Graph.singleAxis(v.perExample());
        if (!log && h.batched() && classes >= 0 && g.isOnlyFirstOutput(n.getOutput(0))
                && fovea[0] <= classes && classes <= fovea[fovea.length - 1]) {
            // A classifier ending in (N, K, 1, 1) (GlobalAveragePool then Softmax): Fovea's model
            // outputs (N, K), as predict, evaluate and the trainer's fused softmax loss expect.
            int flat = g.add(new Reshape(v.perExample()[classes]), v.node());
            int node = g.add(new ActivationLayer(Activation.SOFTMAX), flat);
            g.vectorOutputNode = node;
            g.out(n, 0, Value.dynamic(node, v.dims(), h));
            return;
        }
        Layer layer;
        if (!log && fovea.length == 1 && fovea[0] == perRank - 1) {
            layer = new ActivationLayer(Activation.SOFTMAX);   // the trainer fuses a final softmax with the loss
        } else {
            int[] axes = new int[fovea.length];
            for (int i = 0; i < axes.length; i++) axes[i] = fovea[i] + 1;
            layer = new AxisSoftmax(log, axes);
        }
        g.out(n, 0, Value.dynamic(g.add(layer, v.node()), v.dims(), h));
    }

    /** Keras axes of ONNX axes [from, to) of a tensor held whole (each ONNX axis + 1). */
    private static int[] kerasAxes(int from, int to) {
        int[] a = new int[to - from];
        for (int i = 0; i < a.length; i++) a[i] = from + i + 1;
        return a;
    }

    private static void gemm(NodeProto n, Attributes a, Graph g) {
        Value av = g.in(n, 0), bv = g.in(n, 1);
        float alpha = a.number("alpha", 1f), beta = a.number("beta", 1f);
        boolean transA = a.integer("transA", 0) != 0, transB = a.integer("transB", 0) != 0;
        if (av.rank() != 2 || bv.rank() != 2) {
            throw new FoveaException(g.at(n) + ": A and B must be matrices, got " + Arrays.toString(av.dims()) + " and " + Arrays.toString(bv.dims()));
        }
        Value cv = g.hasInput(n, 2) ? g.in(n, 2) : null;
        int m = transA ? av.dim(1) : av.dim(0), k = transA ? av.dim(0) : av.dim(1);
        int kb = transB ? bv.dim(1) : bv.dim(0), units = transB ? bv.dim(0) : bv.dim(1);
        if (k != kb) throw new FoveaException(g.at(n) + ": inner sizes differ: A " + Arrays.toString(av.dims()) + " and B " + Arrays.toString(bv.dims()));
        if (av.isConstant()) throw new FoveaException(g.at(n) + ": A is a constant; Fovea supports Gemm on a computed A");
        if (transA) av = transposed(av, n, g);
        OnnxTensor bc = bv.isConstant() ? bv.constant() : null;
        OnnxTensor cc = cv != null && cv.isConstant() ? scaled(cv.constant(), beta) : null;
        boolean rowBias = cc == null || cc.size() == 1 || cc.size() == units && cc.dims()[cc.rank() - 1] == units;
        if (bc != null && (cv == null || cc != null) && rowBias && av.holding().batched()) {
            NodeProto next = g.soleConsumer(n, Set.of("Relu", "Sigmoid", "Tanh", "Softmax"));
            if (next != null && next.getOpType().equals("Softmax") && !softmaxOverLast(next, g)) next = null;
            Dense dense = new Dense(new Dense.Config(units, activationOf(next), cc != null));
            g.weight(dense, "kernel", k * units, dest -> kernelInto(dest, bc, transB, alpha));
            if (cc != null) {
                float[] bias = new float[units];
                float[] c = cc.floats();
                for (int j = 0; j < units; j++) bias[j] = c.length == 1 ? c[0] : c[j];
                g.weight(dense, "bias", bias);
            }
            Value out = Value.dynamic(g.add(dense, av.node()), new int[] {m, units}, Holding.rowMajor(2, true));
            g.out(n, 0, out);
            if (next != null) {
                g.absorb(next);
                g.out(next, 0, out);
            }
            return;
        }
        Value product;
        if (bc != null) {
            OnnxTensor b = OnnxTensor.ofFloats(new int[] {k, units}, kernel(bc, transB, alpha));
            product = matMul(av, Value.of(b), n, g);
        } else {
            Value bt = transB ? transposed(bv, n, g) : bv;
            product = matMul(av, bt, n, g);
            if (alpha != 1f) product = binary(product, Value.of(OnnxTensor.ofFloats(new int[0], new float[] {alpha})), Elementwise.Operation.MULTIPLY, n, g);
        }
        if (cv != null) {
            Value c = cc != null ? Value.of(cc) : (beta == 1f ? cv
                    : binary(cv, Value.of(OnnxTensor.ofFloats(new int[0], new float[] {beta})), Elementwise.Operation.MULTIPLY, n, g));
            product = binary(product, c, Elementwise.Operation.ADD, n, g);
        }
        g.out(n, 0, product);
    }

    private static boolean softmaxOverLast(NodeProto softmax, Graph g) {
        for (var at : softmax.getAttributeList()) {
            if (at.getName().equals("axis")) return at.getI() == 1 || at.getI() == -1;
        }
        return true;   // default axis: 1 before opset 13, -1 since; both the last of a matrix
    }

    private static OnnxTensor scaled(OnnxTensor t, float s) {
        if (s == 1f) return t;
        float[] f = t.floats().clone();
        for (int i = 0; i < f.length; i++) f[i] *= s;
        return OnnxTensor.ofFloats(t.dims(), f);
    }

    /**
     * B as (K, units), scaled by alpha, written into dest: a transposed B is read in blocks of rows,
     * so a 400 MB classifier kernel is never decoded whole beside its parameter.
     */
    private static void kernelInto(float[] dest, OnnxTensor b, boolean transB, float alpha) {
        if (!transB) {
            b.copyTo(0, dest, 0, b.size());
        } else {
            // B is (units, K): read T rows at a time, write them as T columns, in T x T tiles that stay in cache.
            final int tile = 64;
            int units = b.dim(0), k = b.dim(1);
            float[] rows = new float[tile * k];
            for (int j0 = 0; j0 < units; j0 += tile) {
                int nj = Math.min(tile, units - j0);
                b.copyTo(j0 * k, rows, 0, nj * k);
                for (int k0 = 0; k0 < k; k0 += tile) {
                    int nk = Math.min(tile, k - k0);
                    for (int kk = k0; kk < k0 + nk; kk++) {
                        int o = kk * units + j0;
                        for (int j = 0; j < nj; j++) dest[o + j] = rows[j * k + kk];
                    }
                }
            }
        }
        if (alpha != 1f) for (int i = 0; i < dest.length; i++) dest[i] *= alpha;
    }

    /** B as (K, units), scaled by alpha. */
    private static float[] kernel(OnnxTensor b, boolean transB, float alpha) {
        OnnxTensor t = transB ? Folding.transpose(b, new int[] {1, 0}) : b;
        return scaled(t, alpha).floats();
    }

    private static Value transposed(Value v, NodeProto n, Graph g) {
        if (v.isConstant()) return Value.of(Folding.transpose(v.constant(), new int[] {1, 0}));
        if (v.holding().batched()) {
            g.requireWhole(n, "transposes the first (batch) axis");
            v = g.to(v, Holding.rowMajor(2, false), n);
        }
        int[] held = v.holding().perm();
        for (int i = 0; i < held.length; i++) held[i] = 1 - held[i];
        return Value.dynamic(v.node(), new int[] {v.dim(1), v.dim(0)}, new Holding(false, held));
    }

    private static void matMul(NodeProto n, Attributes a, Graph g) {
        g.out(n, 0, matMul(g.in(n, 0), g.in(n, 1), n, g));
    }

    static Value matMul(Value a, Value b, NodeProto n, Graph g) {
        int ra = a.rank(), rb = b.rank();
        if (ra < 1 || rb < 1) throw new FoveaException(g.at(n) + ": operands must have at least one axis");
        int k = a.dim(ra - 1), kb = rb == 1 ? b.dim(0) : b.dim(rb - 2);
        if (k != kb) throw new FoveaException(g.at(n) + ": inner sizes differ: " + Arrays.toString(a.dims()) + " · " + Arrays.toString(b.dims()));
        int[] lead = BroadcastOp.broadcastShape(ra > 2 ? Arrays.copyOf(a.dims(), ra - 2) : new int[0],
                rb > 2 ? Arrays.copyOf(b.dims(), rb - 2) : new int[0], g.at(n));
        int[] out = Arrays.copyOf(lead, lead.length + 2);
        int len = lead.length;
        if (ra > 1) out[len++] = a.dim(ra - 2);
        if (rb > 1) out[len++] = b.dim(rb - 1);
        out = Arrays.copyOf(out, len);
        if (a.isConstant() && b.isConstant()) {
            MatMul layer = new MatMul(b.constant().shape(), false);
            return Value.of(Folding.withLayer(layer, a.constant(), b.constant().floats()).withDims(out));
        }
        boolean batched = batchedMatMul(a, b, out);
        if (!batched) g.requireWhole(n, "multiplies along the first (batch) axis");
        Value da = a.isConstant() ? a : g.to(a, Holding.rowMajor(ra, batched), n);
        Value db = b.isConstant() ? b : g.to(b, Holding.rowMajor(rb, batched), n);
        MatMul layer;
        int node;
        if (da.isConstant() || db.isConstant()) {
            boolean first = da.isConstant();
            Value d = first ? db : da;
            OnnxTensor c = first ? da.constant() : db.constant();
            if (batched && c.rank() == d.rank() && c.rank() >= 3) c = c.withDims(Arrays.copyOfRange(c.dims(), 1, c.rank()));
            layer = new MatMul(c.shape(), first);
            g.weight(layer, "kernel", c);
            node = g.add(layer, d.node());
        } else {
            node = g.add(new MatMul(), da.node(), db.node());
        }
        return Value.dynamic(node, out, Holding.rowMajor(out.length, batched));
    }

    /** Whether every computed operand's first axis lines up with the output's first axis as a plain batch axis. */
    private static boolean batchedMatMul(Value a, Value b, int[] out) {
        if (out.length < 2) return false;
        int ra = a.rank(), rb = b.rank();
        boolean ok = true;
        if (!a.isConstant()) {
            ok &= a.holding().batched() && (ra == 2 && rb <= 2 || ra >= 3 && ra >= rb);
            if (b.isConstant() && ra >= 3 && rb == ra) ok &= b.dim(0) == 1;
        }
        if (!b.isConstant()) {
            ok &= b.holding().batched() && rb >= 3 && rb >= ra;
            if (a.isConstant() && ra == rb) ok &= a.dim(0) == 1;
            if (!a.isConstant()) ok &= ra == rb && a.dim(0) == b.dim(0);
        }
        return ok;
    }
}

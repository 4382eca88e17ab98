package dev.fovea.nn;

import dev.fovea.json.JsonObject;
import dev.fovea.FoveaException;
import dev.fovea.ops.BroadcastOp;
import dev.fovea.ops.MatMulOp;
import dev.fovea.tensor.Buffer;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Matrix product of per-example tensors with numpy matmul semantics (ONNX MatMul): a (..., M, K)
 * · b (..., K, P) = (..., M, P), leading axes broadcast, a 1-D operand taken as a row (a) or
 * column (b) vector and its axis dropped from the result. Either two inputs, or one input and a
 * trainable constant ("kernel") on the right, or on the left with {@code constant_first}. With a
 * (K, P) kernel on the right this is a dense layer over the last axis.
 */
public final class MatMul extends MergeLayer {
    private final Shape constantShape;   // null: two inputs
    private final boolean constantFirst;

    /** Per-call state (see {@link Workspace}). */
    private static final class Scratch {
        final Buffer outBuf = new Buffer(), daBuf = new Buffer(), dbBuf = new Buffer();
        MatMulOp op;
        int opBatch = -1;
        Tensor lastA, lastB;
    }
    private Parameter constant;
    private int[] leadA, leadB, lead;   // per example: leading (batch) axes of a, b and the result, aligned
    private int m, k, p;

    public MatMul() {
        this(null, false);
    }

    public MatMul(Shape constantShape, boolean constantFirst) {
        this.constantShape = constantShape;
        this.constantFirst = constantFirst;
    }

    public Shape constantShape() { return constantShape; }
    public boolean constantFirst() { return constantFirst; }
    public Parameter constant() { return constant; }

    @Override public String className() { return "MatMul"; }

    @Override public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        if (constantShape != null) {
            c.put("constant_shape", intList(constantShape.toArray()));
            c.put("constant_first", constantFirst);
        }
        return c;
    }

    static MatMul fromConfig(JsonObject c) {
        c.requireOnlyKeys("constant_shape", "constant_first");
        return c.has("constant_shape")
                ? new MatMul(Shape.of(c.requireIntArray("constant_shape", 0, Integer.MAX_VALUE)), c.optionalBoolean("constant_first", false))
                : new MatMul();
    }

    private int constantSlot() {
        return constantShape == null ? -1 : (constantFirst ? 0 : 1);
    }

    @Override protected Shape doBuild(Shape[] in, SplittableRandom rng) {
        String where = "layer " + name() + " (MatMul)";
        int expected = constantShape == null ? 2 : 1;
        if (in.length != expected) throw new FoveaException(where + " takes " + expected + " input(s), got " + in.length);
        Shape a = constantSlot() == 0 ? constantShape : in[0];
        Shape b = switch (constantSlot()) {
            case 0 -> in[0];
            case 1 -> constantShape;
            default -> in[1];
        };
        if (a.rank() < 1 || b.rank() < 1) throw new FoveaException(where + ": operands must have at least one axis, got " + a + " and " + b);
        int[] ad = a.rank() == 1 ? new int[] {1, a.dim(0)} : a.toArray();
        int[] bd = b.rank() == 1 ? new int[] {b.dim(0), 1} : b.toArray();
        m = ad[ad.length - 2];
        k = ad[ad.length - 1];
        p = bd[bd.length - 1];
        if (bd[bd.length - 2] != k) throw new FoveaException(where + ": inner sizes differ: " + a + " · " + b);
        int r = Math.max(ad.length, bd.length) - 2;
        leadA = align(Arrays.copyOf(ad, ad.length - 2), r);
        leadB = align(Arrays.copyOf(bd, bd.length - 2), r);
        lead = BroadcastOp.broadcastShape(leadA, leadB, where);
        int[] out = Arrays.copyOf(lead, r + 2);
        int len = r;
        if (a.rank() > 1) out[len++] = m;
        if (b.rank() > 1) out[len++] = p;
        if (constantShape != null) {
            Tensor c = Tensor.zeros(constantShape);
            Initializers.glorotUniform(c.data(), k, constantFirst ? m : p, rng);
            constant = addParameter("kernel", c, Parameter.Role.KERNEL);
        }
        return Shape.of(Arrays.copyOf(out, len));
    }

    private static int[] align(int[] d, int r) {
        int[] o = new int[r];
        Arrays.fill(o, 1);
        System.arraycopy(d, 0, o, r - d.length, d.length);
        return o;
    }

    private MatMulOp op(Scratch s, int n) {
        if (n != s.opBatch) {
            int slot = constantSlot();
            s.op = new MatMulOp(withBatch(leadA, slot == 0 ? 1 : n), withBatch(leadB, slot == 1 ? 1 : n), withBatch(lead, n), m, k, p);
            s.opBatch = n;
        }
        return s.op;
    }

    private static int[] withBatch(int[] d, int n) {
        int[] o = new int[d.length + 1];
        o[0] = n;
        System.arraycopy(d, 0, o, 1, d.length);
        return o;
    }

    @Override public Tensor forward(Tensor[] inputs, ForwardContext ctx) {
        int n = inputs[0].dim(0);
        for (int i = 0; i < inputs.length; i++) {
            if (!inputs[i].shape().dropBatch().equals(inputShapes()[i]) || inputs[i].dim(0) != n) {
                throw new FoveaException("layer " + name() + " (MatMul) expects input " + i + " (batch, "
                        + inputShapes()[i].toString().substring(1) + " but got " + inputs[i].shape());
            }
        }
        int slot = constantSlot();
        Scratch s = scratch(Scratch::new);
        Tensor lastA = s.lastA = slot == 0 ? constant.value() : inputs[0];
        Tensor lastB = s.lastB = slot == 0 ? inputs[0] : slot == 1 ? constant.value() : inputs[1];
        Tensor out = s.outBuf.get(n, outputShape());
        op(s, n).forward(out.data(), lastA.data(), lastB.data());
        return out;
    }

    @Override public void backward(Tensor dy, boolean[] needInputGrad, Tensor[] dInputs) {
        int slot = constantSlot();
        Scratch s = scratch(Scratch::new);
        Tensor lastA = s.lastA, lastB = s.lastB;
        Tensor ta = null, tb = null;
        float[] dA = null, dB = null;
        if (slot == 0) dA = constant.grad().data();
        else if (needInputGrad[0]) { ta = s.daBuf.get(lastA.shape()); ta.fill(0f); dA = ta.data(); }
        int bInput = slot == 0 ? 0 : 1;
        if (slot == 1) dB = constant.grad().data();
        else if (needInputGrad[bInput]) { tb = s.dbBuf.get(lastB.shape()); tb.fill(0f); dB = tb.data(); }
        op(s, dy.dim(0)).backward(dA, dB, dy.data(), lastA.data(), lastB.data());
        switch (slot) {
            case 0 -> dInputs[0] = tb;
            case 1 -> dInputs[0] = ta;
            default -> {
                dInputs[0] = ta;
                dInputs[1] = tb;
            }
        }
    }
}

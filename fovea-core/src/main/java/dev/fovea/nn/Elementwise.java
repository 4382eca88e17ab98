package dev.fovea.nn;

import dev.fovea.json.JsonObject;
import dev.fovea.FoveaException;
import dev.fovea.ops.BroadcastOp;
import dev.fovea.tensor.Buffer;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Element-wise add, subtract, multiply or divide with numpy broadcasting of the per-example
 * shapes (ONNX Add/Sub/Mul/Div/Sum; Keras's Add/Subtract/Multiply need equal shapes). Either two
 * inputs, or one input and a trainable constant of {@code constant_shape} (parameter "constant",
 * on the right, or on the left with {@code constant_first}), e.g. a per-channel scale (1, 1, C).
 * The batch axis is never broadcast: every input has it, the constant has not.
 */
public final class Elementwise extends MergeLayer {
    /** The operation, by its Keras-style name. */
    public enum Operation {
        ADD(BroadcastOp.Kind.ADD), SUBTRACT(BroadcastOp.Kind.SUB), MULTIPLY(BroadcastOp.Kind.MUL), DIVIDE(BroadcastOp.Kind.DIV);

        final BroadcastOp.Kind kind;

        Operation(BroadcastOp.Kind kind) { this.kind = kind; }

        public String keras() { return name().toLowerCase(Locale.ROOT); }

        public static Operation parse(String s, String where) {
            for (Operation o : values()) if (o.keras().equals(s)) return o;
            throw new FoveaException(where + ": operation must be add, subtract, multiply or divide, got \"" + s + "\"");
        }
    }

    private final Operation operation;
    private final Shape constantShape;   // null: two inputs
    private final boolean constantFirst;

    /** Per-call state (see {@link Workspace}). */
    private static final class Scratch {
        final Buffer outBuf = new Buffer(), daBuf = new Buffer(), dbBuf = new Buffer();
        BroadcastOp.Plan plan;
        int planBatch = -1;
        Tensor lastA, lastB;
    }
    private Parameter constant;
    private int[] aShape, bShape, outShape;   // per example, aligned to the output rank

    /** Two inputs. */
    public Elementwise(Operation operation) {
        this(operation, null, false);
    }

    /** One input and a constant of the given per-example shape, on the right unless constantFirst. */
    public Elementwise(Operation operation, Shape constantShape, boolean constantFirst) {
        this.operation = operation;
        this.constantShape = constantShape;
        this.constantFirst = constantFirst;
    }

    public Operation operation() { return operation; }
    public Shape constantShape() { return constantShape; }
    public boolean constantFirst() { return constantFirst; }
    /** The constant operand (built layers with a constant only). */
    public Parameter constant() { return constant; }

    @Override public String className() { return "Elementwise"; }

    @Override public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("operation", operation.keras());
        if (constantShape != null) {
            m.put("constant_shape", intList(constantShape.toArray()));
            m.put("constant_first", constantFirst);
        }
        return m;
    }

    static Elementwise fromConfig(JsonObject c) {
        c.requireOnlyKeys("operation", "constant_shape", "constant_first");
        Operation op = Operation.parse(c.requireString("operation"), c.location());
        return c.has("constant_shape")
                ? new Elementwise(op, Shape.of(c.requireIntArray("constant_shape", 0, Integer.MAX_VALUE)), c.optionalBoolean("constant_first", false))
                : new Elementwise(op);
    }

    @Override protected Shape doBuild(Shape[] in, SplittableRandom rng) {
        String where = "layer " + name() + " (Elementwise " + operation.keras() + ")";
        int expected = constantShape == null ? 2 : 1;
        if (in.length != expected) throw new FoveaException(where + " takes " + expected + " input(s), got " + in.length);
        Shape a = in[0], b = constantShape == null ? in[1] : constantShape;
        if (constantShape != null && constantFirst) {
            Shape t = a;
            a = b;
            b = t;
        }
        outShape = BroadcastOp.broadcastShape(a.toArray(), b.toArray(), where);
        aShape = align(a.toArray(), outShape.length);
        bShape = align(b.toArray(), outShape.length);
        if (constantShape != null) {
            Tensor c = Tensor.zeros(constantShape);
            if (operation == Operation.MULTIPLY || operation == Operation.DIVIDE) c.fill(1f);
            constant = addParameter("constant", c, Parameter.Role.OTHER);
        }
        return Shape.of(outShape);
    }

    private static int[] align(int[] d, int r) {
        int[] o = new int[r];
        java.util.Arrays.fill(o, 1);
        System.arraycopy(d, 0, o, r - d.length, d.length);
        return o;
    }

    /** Which operand is the constant: 0 (a), 1 (b) or -1 (none). */
    private int constantSlot() {
        return constantShape == null ? -1 : (constantFirst ? 0 : 1);
    }

    private BroadcastOp.Plan plan(Scratch s, int n) {
        if (n != s.planBatch) {
            s.plan = BroadcastOp.plan(withBatch(aShape, constantSlot() == 0 ? 1 : n), withBatch(bShape, constantSlot() == 1 ? 1 : n),
                    withBatch(outShape, n));
            s.planBatch = n;
        }
        return s.plan;
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
                throw new FoveaException("layer " + name() + " (Elementwise) expects input " + i + " (batch, "
                        + inputShapes()[i].toString().substring(1) + " but got " + inputs[i].shape());
            }
        }
        Scratch s = scratch(Scratch::new);
        Tensor lastA = s.lastA = constantSlot() == 0 ? constant.value() : inputs[0];
        Tensor lastB = s.lastB = switch (constantSlot()) {
            case 0 -> inputs[0];
            case 1 -> constant.value();
            default -> inputs[1];
        };
        Tensor out = s.outBuf.get(n, outputShape());
        BroadcastOp.forward(operation.kind, plan(s, n), out.data(), lastA.data(), lastB.data());
        return out;
    }

    @Override public void backward(Tensor dy, boolean[] needInputGrad, Tensor[] dInputs) {
        int n = dy.dim(0);
        int slot = constantSlot();
        Scratch s = scratch(Scratch::new);
        Tensor lastA = s.lastA, lastB = s.lastB;
        float[] dA, dB;
        Tensor ta = null, tb = null;
        if (slot == 0) {
            dA = constant.grad().data();
        } else if (needInputGrad[0]) {
            ta = s.daBuf.get(lastA.shape());
            ta.fill(0f);
            dA = ta.data();
        } else {
            dA = null;
        }
        int bInput = slot == 0 ? 0 : 1;
        if (slot == 1) {
            dB = constant.grad().data();
        } else if (needInputGrad[bInput]) {
            tb = s.dbBuf.get(lastB.shape());
            tb.fill(0f);
            dB = tb.data();
        } else {
            dB = null;
        }
        BroadcastOp.backward(operation.kind, plan(s, n), dA, dB, dy.data(), lastA.data(), lastB.data());
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

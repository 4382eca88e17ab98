package dev.fovea.onnx.imp;

import dev.fovea.FoveaException;
import dev.fovea.nn.Layer;
import dev.fovea.model.Model;
import dev.fovea.nn.Parameter;
import dev.fovea.nn.Permute;
import dev.fovea.nn.Reshape;
import dev.fovea.onnx.Holding;
import dev.fovea.onnx.OnnxTensor;
import dev.fovea.onnx.proto.OnnxProto.NodeProto;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The state of one import: the Fovea model being assembled, every ONNX value seen so far and how
 * it is held, the weights to copy in once the model is built, and the conversions between
 * holdings (each a Permute or a Reshape layer). In batched mode ONNX axis 0 is Fovea's batch axis
 * and an op that computes across it aborts the attempt ({@link BatchAxisMixed}); the importer then
 * starts again in whole mode, where each ONNX tensor is one example.
 */
final class Graph {
    /** Thrown in batched mode by an op that needs the batch axis as data. */
    static final class BatchAxisMixed extends RuntimeException {
        BatchAxisMixed(String why) {
            super(why, null, false, false);
        }
    }

    /** Writes a weight, in Fovea's layout, into its parameter's array (which has size elements). */
    @FunctionalInterface
    interface Fill {
        void into(float[] dest);
    }

    /** A weight to write into a layer parameter after build. */
    record Pending(Layer layer, String parameter, int size, Fill fill) {}

    final Model model;
    final boolean batchedMode;
    final int opset;
    final String file;
    final TensorDecoder decoder;
    private final Map<String, Value> values = new HashMap<>();
    private final List<Pending> pending = new ArrayList<>();
    private final Map<String, List<NodeProto>> consumers = new HashMap<>();
    private final Set<String> graphOutputs = new HashSet<>();
    private final Set<NodeProto> absorbed = new HashSet<>();
    private long budget;   // bytes still allowed for constants made by the file
    private final String firstOutput;
    /** The node that already gives the first output as a vector (classes,), or -1. */
    int vectorOutputNode = -1;

    Graph(Model model, boolean batchedMode, int opset, String file, TensorDecoder decoder, List<NodeProto> nodes,
          List<String> outputs, long budget) {
        this.model = model;
        this.batchedMode = batchedMode;
        this.opset = opset;
        this.file = file;
        this.decoder = decoder;
        this.budget = budget;
        for (NodeProto n : nodes) {
            for (String in : n.getInputList()) if (!in.isEmpty()) consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
        }
        graphOutputs.addAll(outputs);
        firstOutput = outputs.isEmpty() ? null : outputs.get(0);
    }

    /** Whether name is the graph's first output and nothing else reads it. */
    boolean isOnlyFirstOutput(String name) {
        return name.equals(firstOutput) && !consumers.containsKey(name);
    }

    /**
     * The one axis of a per-example shape larger than 1 (a class axis such as (1, 1, 1000)), or -1
     * when there are several or none, or the shape is already a vector.
     */
    static int singleAxis(int[] perExample) {
        int axis = -1;
        for (int i = 0; i < perExample.length; i++) {
            if (perExample[i] == 1) continue;
            if (axis >= 0) return -1;
            axis = i;
        }
        return perExample.length > 1 ? axis : -1;
    }

    // ---- values ----

    void put(String name, Value v) { values.put(name, v); }

    boolean known(String name) { return values.containsKey(name); }

    Value value(String name) { return values.get(name); }

    static String where(NodeProto n) {
        return "node " + (n.getName().isEmpty() ? "(unnamed)" : "\"" + n.getName() + "\"") + " (" + n.getOpType() + ")";
    }

    String at(NodeProto n) { return file + ": " + where(n); }

    boolean hasInput(NodeProto n, int i) { return i < n.getInputCount() && !n.getInput(i).isEmpty(); }

    Value in(NodeProto n, int i) {
        if (!hasInput(n, i)) throw new FoveaException(at(n) + ": input " + i + " is required");
        Value v = values.get(n.getInput(i));
        if (v == null) throw new FoveaException(at(n) + ": reads \"" + n.getInput(i) + "\", which no graph input, initializer or earlier node provides");
        return v;
    }

    /** Input i, which must be known at import time (an initializer, or computed from them). */
    OnnxTensor constant(NodeProto n, int i, String what) {
        Value v = in(n, i);
        if (!v.isConstant()) {
            throw new FoveaException(at(n) + ": " + what + " (input " + i + ", \"" + n.getInput(i) + "\") must be a constant "
                    + "(an initializer or computed from initializers); computed values are not supported there");
        }
        return v.constant();
    }

    void out(NodeProto n, int i, Value v) {
        if (i < n.getOutputCount() && !n.getOutput(i).isEmpty()) values.put(n.getOutput(i), v);
    }

    /** Refuses extra outputs that a node's consumers actually use (e.g. MaxPool's indices). */
    void onlyFirstOutput(NodeProto n) {
        for (int i = 1; i < n.getOutputCount(); i++) {
            String o = n.getOutput(i);
            if (!o.isEmpty() && (consumers.containsKey(o) || graphOutputs.contains(o))) {
                throw new FoveaException(at(n) + ": output " + i + " (\"" + o + "\") is used, but only the first output is supported");
            }
        }
    }

    /**
     * The single consumer of n's first output when it is one of the given op types and nothing
     * else reads that output: an activation the caller may fold into its own layer.
     */
    NodeProto soleConsumer(NodeProto n, Set<String> opTypes) {
        String o = n.getOutput(0);
        List<NodeProto> c = consumers.get(o);
        if (c == null || c.size() != 1 || graphOutputs.contains(o)) return null;
        NodeProto next = c.get(0);
        if (!opTypes.contains(next.getOpType()) || !next.getDomain().isEmpty() && !next.getDomain().equals("ai.onnx")) return null;
        return next;
    }

    /** Marks a node as done by another (its outputs must be set by the caller). */
    void absorb(NodeProto n) { absorbed.add(n); }

    boolean isAbsorbed(NodeProto n) { return absorbed.contains(n); }

    // ---- layers and weights ----

    int add(Layer layer, int... inputs) { return model.addNode(layer, inputs); }

    void weight(Layer layer, String parameter, float[] data) {
        pending.add(new Pending(layer, parameter, data.length, dest -> System.arraycopy(data, 0, dest, 0, data.length)));
    }

    /** A weight whose ONNX row-major order is Fovea's: copied from the file straight into the parameter. */
    void weight(Layer layer, String parameter, OnnxTensor t) {
        pending.add(new Pending(layer, parameter, t.size(), dest -> t.copyTo(0, dest, 0, t.size())));
    }

    /** A weight written by fill into the parameter after build (so nothing but the parameter holds it). */
    void weight(Layer layer, String parameter, int size, Fill fill) {
        pending.add(new Pending(layer, parameter, size, fill));
    }

    /** Writes the pending weights into the built model's parameters, one at a time. */
    void copyWeights() {
        for (Pending p : pending) {
            String full = p.layer().name() + "/" + p.parameter();
            Parameter param = null;
            for (Parameter q : p.layer().parameters()) if (q.name().equals(full)) param = q;
            if (param == null || param.size() != p.size()) {
                throw new IllegalStateException("import: weight " + full + " does not fit its layer");
            }
            p.fill().into(param.value().data());
            param.markChanged();
        }
        pending.clear();
    }

    /** Claims bytes for a constant the file asks to build, failing with one line beyond the heap's means. */
    void reserve(long elements, NodeProto n) {
        long bytes = elements * 4;
        if (elements < 0 || bytes > budget) {
            throw new FoveaException(at(n) + ": the model asks for more values at load time (" + elements + " more) than the limit of "
                    + dev.fovea.io.LoadLimits.maxConstantElements() + " (LoadLimits.setMaxConstantElements), or 60% of the heap (-Xmx) when that is less");
        }
        budget -= bytes;
    }

    // ---- holdings ----

    /** Aborts a batched attempt: the op needs ONNX axis 0 as data. */
    void requireWhole(NodeProto n, String why) {
        if (batchedMode) throw new BatchAxisMixed(where(n) + " " + why);
    }

    Holding rowMajor(int rank, boolean batched) { return Holding.rowMajor(rank, batched); }

    /** v held as target, adding a Permute or Reshape layer (or two) when it is held otherwise. */
    Value to(Value v, Holding target, NodeProto n) {
        Holding h = v.holding();
        if (h.equals(target)) return v;
        if (h.batched() == target.batched()) return permute(v, target);
        if (v.dim(0) != 1) {
            throw new FoveaException(at(n) + ": this graph computes across its first axis elsewhere, and this op then needs that axis "
                    + "as the batch; Fovea supports that only for a first axis of size 1, got " + v.dim(0));
        }
        if (h.batched()) {
            Value whole = reshape(v, new Holding(false, prependZero(h.perm())));
            return permute(whole, target);
        }
        Value whole = permute(v, new Holding(false, prependZero(target.perm())));
        return reshape(whole, target);
    }

    /** v in row-major order: batched if it is batched (or may be, with a first axis of 1 in whole mode), else whole. */
    Value toRowMajor(Value v, NodeProto n) {
        return to(v, Holding.rowMajor(v.rank(), v.holding().batched()), n);
    }

    /** A rank-4 NCHW value as (N, H, W, C), as convolution and pooling need. */
    Value toNhwc(Value v, NodeProto n) {
        if (v.rank() != 4) throw new FoveaException(at(n) + ": needs a 4-D input (N, C, H, W), got " + Arrays.toString(v.dims()));
        return to(v, Holding.nhwc(), n);
    }

    private static int[] prependZero(int[] perm) {
        int[] p = new int[perm.length + 1];
        System.arraycopy(perm, 0, p, 1, perm.length);
        return p;
    }

    private Value permute(Value v, Holding target) {
        int[] from = v.holding().perm(), to = target.perm();
        int[] dims = new int[to.length];
        for (int i = 0; i < to.length; i++) {
            int j = indexOf(from, to[i]);
            if (j < 0) throw new IllegalStateException("holdings " + v.holding() + " and " + target + " hold different axes");
            dims[i] = j + 1;
        }
        int[] per = target.perExample(v.dims());
        int node = onlyUnitAxesMove(from, to, v.dims()) ? add(new Reshape(per), v.node()) : add(new Permute(dims), v.node());
        return Value.dynamic(node, v.dims(), target);
    }

    private Value reshape(Value v, Holding target) {
        int node = add(new Reshape(target.perExample(v.dims())), v.node());
        return Value.dynamic(node, v.dims(), target);
    }

    /** True when the axes larger than 1 keep their order, so the data order does not change. */
    private static boolean onlyUnitAxesMove(int[] from, int[] to, int[] dims) {
        int i = 0, j = 0;
        while (true) {
            while (i < from.length && dims[from[i]] == 1) i++;
            while (j < to.length && dims[to[j]] == 1) j++;
            if (i == from.length || j == to.length) return i == from.length && j == to.length;
            if (from[i] != to[j]) return false;
            i++;
            j++;
        }
    }

    static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) if (a[i] == v) return i;
        return -1;
    }

    /**
     * A constant operand of an op whose output has rank outRank and is held as h: the constant
     * broadcast-aligned to that rank (leading 1s), rearranged as h holds data, without the batch
     * axis when h is batched (where its first axis must be 1).
     */
    OnnxTensor constantIn(OnnxTensor c, int outRank, Holding h, NodeProto n) {
        int[] d = new int[outRank];
        Arrays.fill(d, 1);
        int[] cd = c.dims();
        if (cd.length > outRank) throw new IllegalStateException("constant of rank " + cd.length + " for output rank " + outRank);
        System.arraycopy(cd, 0, d, outRank - cd.length, cd.length);
        if (h.batched() && d[0] != 1) throw new IllegalStateException(at(n) + ": batched constant with first axis " + d[0]);
        float[] data = h.toFovea(c.floats(), d);
        return OnnxTensor.ofFloats(h.perExample(d), data);
    }
}

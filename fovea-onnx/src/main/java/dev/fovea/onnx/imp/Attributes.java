package dev.fovea.onnx.imp;

import dev.fovea.FoveaException;
import dev.fovea.onnx.OnnxTensor;
import dev.fovea.onnx.proto.OnnxProto.AttributeProto;
import dev.fovea.onnx.proto.OnnxProto.NodeProto;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Typed access to a node's attributes; errors name the node, the attribute and what is accepted. */
final class Attributes {
    private final Map<String, AttributeProto> byName = new HashMap<>();
    private final String where;
    private final TensorDecoder decoder;

    Attributes(NodeProto node, String where, TensorDecoder decoder) {
        this.where = where;
        this.decoder = decoder;
        for (AttributeProto a : node.getAttributeList()) {
            if (a.hasRefAttrName() && !a.getRefAttrName().isEmpty()) {
                throw new FoveaException(where + ": attribute " + a.getName() + " refers to a function attribute; functions are not supported");
            }
            if (byName.put(a.getName(), a) != null) throw new FoveaException(where + ": attribute " + a.getName() + " is given twice");
        }
    }

    boolean has(String name) { return byName.containsKey(name); }

    long integer(String name, long fallback) {
        AttributeProto a = byName.get(name);
        if (a == null) return fallback;
        if (a.hasType() && a.getType() != AttributeProto.AttributeType.INT) throw wrong(name, "an integer", a);
        return a.getI();
    }

    int smallInt(String name, int fallback, int min, int max) {
        long v = integer(name, fallback);
        if (v < min || v > max) throw new FoveaException(where + ": attribute " + name + " is " + v + "; accepted: " + min + " to " + max);
        return (int) v;
    }

    float number(String name, float fallback) {
        AttributeProto a = byName.get(name);
        if (a == null) return fallback;
        if (a.hasType() && a.getType() != AttributeProto.AttributeType.FLOAT) throw wrong(name, "a float", a);
        return a.getF();
    }

    String string(String name, String fallback) {
        AttributeProto a = byName.get(name);
        if (a == null) return fallback;
        if (a.hasType() && a.getType() != AttributeProto.AttributeType.STRING) throw wrong(name, "a string", a);
        return a.getS().toString(StandardCharsets.UTF_8);
    }

    /** ints, or null when absent. */
    long[] ints(String name) {
        AttributeProto a = byName.get(name);
        if (a == null) return null;
        if (a.hasType() && a.getType() != AttributeProto.AttributeType.INTS) throw wrong(name, "a list of integers", a);
        long[] v = new long[a.getIntsCount()];
        for (int i = 0; i < v.length; i++) v[i] = a.getInts(i);
        return v;
    }

    /** ints as int[] with each in [min, max], or fallback when absent. */
    int[] smallInts(String name, int[] fallback, int min, int max) {
        long[] v = ints(name);
        if (v == null) return fallback;
        int[] o = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] < min || v[i] > max) throw new FoveaException(where + ": attribute " + name + "[" + i + "] is " + v[i] + "; accepted: " + min + " to " + max);
            o[i] = (int) v[i];
        }
        return o;
    }

    float[] floats(String name) {
        AttributeProto a = byName.get(name);
        if (a == null) return null;
        if (a.hasType() && a.getType() != AttributeProto.AttributeType.FLOATS) throw wrong(name, "a list of floats", a);
        float[] v = new float[a.getFloatsCount()];
        for (int i = 0; i < v.length; i++) v[i] = a.getFloats(i);
        return v;
    }

    OnnxTensor tensor(String name) {
        AttributeProto a = byName.get(name);
        if (a == null) return null;
        if (a.hasType() && a.getType() != AttributeProto.AttributeType.TENSOR || !a.hasT()) throw wrong(name, "a tensor", a);
        return decoder.decode(a.getT(), where + " attribute " + name);
    }

    private FoveaException wrong(String name, String expected, AttributeProto a) {
        return new FoveaException(where + ": attribute " + name + " must be " + expected + ", got type " + a.getType());
    }
}

package dev.fovea.onnx.exp;

import com.google.protobuf.ByteString;
import dev.fovea.onnx.proto.OnnxProto.AttributeProto;
import dev.fovea.onnx.proto.OnnxProto.GraphProto;
import dev.fovea.onnx.proto.OnnxProto.NodeProto;
import dev.fovea.onnx.proto.OnnxProto.TensorProto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Set;

/**
 * Builds the ONNX graph of an export: unique value names, initializers (raw little-endian data)
 * and nodes with typed attributes.
 */
final class ExportGraph {
    final GraphProto.Builder graph = GraphProto.newBuilder();
    private final Set<String> names = new HashSet<>();

    /** A fresh value name based on stem. */
    String name(String stem) {
        String n = stem;
        for (int i = 1; !names.add(n); i++) n = stem + "_" + i;
        return n;
    }

    String floats(String stem, int[] dims, float[] data) {
        String n = name(stem);
        ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(data);
        TensorProto.Builder t = TensorProto.newBuilder().setName(n).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(b.array()));
        for (int d : dims) t.addDims(d);
        graph.addInitializer(t);
        return n;
    }

    String longs(String stem, long... data) {
        String n = name(stem);
        TensorProto.Builder t = TensorProto.newBuilder().setName(n).setDataType(TensorProto.DataType.INT64_VALUE).addDims(data.length);
        for (long v : data) t.addInt64Data(v);
        graph.addInitializer(t);
        return n;
    }

    /** Adds a node reading inputs ("" for an absent optional input); returns its first output's name. */
    String node(String op, String nodeName, String[] inputs, AttributeProto... attributes) {
        String out = name(nodeName + "/" + op);
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(op).setName(name("node:" + nodeName + "/" + op)).addOutput(out);
        for (String in : inputs) b.addInput(in);
        for (AttributeProto a : attributes) b.addAttribute(a);
        graph.addNode(b);
        return out;
    }

    static AttributeProto ints(String name, int... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (int x : v) a.addInts(x);
        return a.build();
    }

    static AttributeProto integer(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    static AttributeProto number(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    static AttributeProto string(String name, String v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(v)).build();
    }
}

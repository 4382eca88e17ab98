package dev.fovea.onnx.imp;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import dev.fovea.FoveaException;
import dev.fovea.onnx.proto.OnnxProto.GraphProto;
import dev.fovea.onnx.proto.OnnxProto.ModelProto;
import dev.fovea.onnx.proto.OnnxProto.TensorProto;

import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Parses a ModelProto held in a memory-mapped file so that the initializers' raw_data stays in the
 * mapping: the graph's structure is parsed by protobuf as usual, but each initializer's raw_data
 * field is cut out of the wire bytes and kept beside the message as a slice of the mapping
 * ({@link Parsed#raw}), which {@link TensorDecoder} reads. Protobuf itself would copy: its
 * ByteBuffer parsing copies a mapped file onto the heap (its aliasing direct-buffer decoder needs
 * sun.misc.Unsafe) and it copies a direct buffer given as a ByteString, which for a 500 MB model
 * doubled the import's peak heap. The walk reads only the wire format's framing (tags and lengths), bounds-checked against
 * the field that holds them; everything else is left to protobuf.
 */
public final class MappedModel {
    private static final int MODEL_GRAPH = 7, GRAPH_INITIALIZER = 5, TENSOR_RAW_DATA = 9;

    private final ByteBuffer buf;   // the whole file, absolute indexing
    private final String error;
    private final int recursionLimit;

    private MappedModel(ByteBuffer buf, String error, int recursionLimit) {
        this.buf = buf;
        this.error = error;
        this.recursionLimit = recursionLimit;
    }

    /** The parsed model, and the raw_data of its initializers (by identity), still in the mapping. */
    public record Parsed(ModelProto proto, Map<TensorProto, ByteBuffer> raw) {}

    private final Map<TensorProto, ByteBuffer> raw = new IdentityHashMap<>();

    static Parsed parse(ByteBuffer mapped, String errorPrefix, int recursionLimit) {
        MappedModel m = new MappedModel(mapped, errorPrefix, recursionLimit);
        return new Parsed(m.model(), Collections.unmodifiableMap(m.raw));
    }

    private ModelProto model() {
        ModelProto.Builder model = ModelProto.newBuilder();
        int pos = 0, end = buf.limit();
        while (pos < end) {
            Field f = field(pos, end);
            if (f.number == MODEL_GRAPH && f.wireType == 2) model.mergeGraph(graph(f.start, f.end));
            else merge(model, pos, f.end);
            pos = f.end;
        }
        return model.build();
    }

    private GraphProto graph(int from, int end) {
        GraphProto.Builder graph = GraphProto.newBuilder();
        int pos = from;
        while (pos < end) {
            Field f = field(pos, end);
            if (f.number == GRAPH_INITIALIZER && f.wireType == 2) graph.addInitializer(tensor(f.start, f.end));
            else merge(graph, pos, f.end);
            pos = f.end;
        }
        return graph.build();
    }

    /** An initializer: every field parsed by protobuf except raw_data, which stays in the mapping. */
    private TensorProto tensor(int from, int end) {
        TensorProto.Builder t = TensorProto.newBuilder();
        int pos = from;
        ByteBuffer raw = null;   // shadows the map on purpose: this tensor's bytes
        while (pos < end) {
            Field f = field(pos, end);
            if (f.number == TENSOR_RAW_DATA && f.wireType == 2) raw = buf.slice(f.start, f.end - f.start);   // the last one wins, as protobuf's
            else merge(t, pos, f.end);
            pos = f.end;
        }
        TensorProto tensor = t.build();
        if (raw != null) this.raw.put(tensor, raw);
        return tensor;
    }

    /** Parses the wire bytes [from, to) (whole fields) into the builder, as protobuf merges them. */
    private void merge(MessageLite.Builder b, int from, int to) {
        byte[] bytes = new byte[to - from];
        buf.get(from, bytes);
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setRecursionLimit(recursionLimit);
            b.mergeFrom(in);
            in.checkLastTagWas(0);
        } catch (InvalidProtocolBufferException e) {
            throw new FoveaException(error + " (protobuf: " + e.getMessage() + ")");
        } catch (java.io.IOException | RuntimeException e) {
            throw new FoveaException(error + " (protobuf: " + e.getClass().getSimpleName() + ")");
        }
    }

    /** A field: its number, wire type, and where its payload (for wire type 2) or whole encoding ends. */
    private record Field(int number, int wireType, int start, int end) {}

    private Field field(int pos, int limit) {
        long[] v = new long[1];
        int p = varint(pos, limit, v);
        long tag = v[0];
        int number = (int) (tag >>> 3), wireType = (int) (tag & 7);
        if (number <= 0 || tag >>> 3 > 0x1fffffff) throw bad("invalid field tag " + tag);
        switch (wireType) {
            case 0 -> { return new Field(number, 0, p, varint(p, limit, v)); }
            case 1 -> { return new Field(number, 1, p, fixed(p, 8, limit)); }
            case 5 -> { return new Field(number, 5, p, fixed(p, 4, limit)); }
            case 2 -> {
                int q = varint(p, limit, v);
                if (v[0] < 0 || v[0] > limit - q) throw bad("a field of " + v[0] + " bytes runs past its message");
                return new Field(number, 2, q, q + (int) v[0]);
            }
            default -> throw bad("wire type " + wireType + " (groups) where ONNX has none");
        }
    }

    private int fixed(int p, int width, int limit) {
        if (width > limit - p) throw bad("truncated");
        return p + width;
    }

    private int varint(int p, int limit, long[] out) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (p >= limit) throw bad("truncated varint");
            byte b = buf.get(p++);
            v |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                out[0] = v;
                return p;
            }
        }
        throw bad("malformed varint");
    }

    private FoveaException bad(String what) {
        return new FoveaException(error + " (protobuf: " + what + ")");
    }
}

package dev.fovea.onnx.imp;

import com.google.protobuf.ByteString;
import dev.fovea.FoveaException;
import dev.fovea.onnx.OnnxTensor;
import dev.fovea.onnx.proto.OnnxProto.StringStringEntryProto;
import dev.fovea.onnx.proto.OnnxProto.TensorProto;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Turns a TensorProto into an {@link OnnxTensor}, treating the file as hostile: the declared
 * element count must fit an int and must match the bytes or values actually present before any
 * array is allocated; external data is read only when allowed, only from a regular file inside
 * the model's folder, and only the declared range. float16, bfloat16 and double become float32;
 * integer types and bool become long.
 */
public final class TensorDecoder {
    private final Path modelDir;          // null: external data refused
    private final String file;            // for messages
    private final Map<TensorProto, ByteBuffer> mappedRaw;   // raw_data left in a mapped file, by tensor identity

    /** modelDir: the folder external data must sit in, or null to refuse external data. */
    public TensorDecoder(String file, Path modelDir) {
        this(file, modelDir, Map.of());
    }

    /** mappedRaw: the raw_data of tensors parsed by {@link MappedModel}, still in the mapping. */
    public TensorDecoder(String file, Path modelDir, Map<TensorProto, ByteBuffer> mappedRaw) {
        this.file = file;
        this.modelDir = modelDir;
        this.mappedRaw = mappedRaw;
    }

    public OnnxTensor decode(TensorProto t, String where) {
        String at = file + ": " + where;
        int[] dims = new int[t.getDimsCount()];
        for (int i = 0; i < dims.length; i++) {
            long d = t.getDims(i);
            if (d < 0 || d > Integer.MAX_VALUE) throw new FoveaException(at + ": dimension " + i + " is " + d + "; dimensions must be 0 to 2^31-1");
            dims[i] = (int) d;
        }
        long n = OnnxTensor.count(dims);
        if (n < 0) throw new FoveaException(at + ": dims " + Arrays.toString(dims) + " declare more than 2^31-1 elements");
        int count = (int) n;
        if (t.hasSegment()) throw new FoveaException(at + ": segmented tensors are not supported");
        int type = t.getDataType();
        int width = width(type, at);
        ByteBuffer mapped = mappedRaw.get(t);
        if (mapped != null && t.getDataLocation() != TensorProto.DataLocation.EXTERNAL) {
            if (mapped.remaining() != (long) count * width) {
                throw new FoveaException(at + ": dims " + Arrays.toString(dims) + " need " + (long) count * width + " bytes of "
                        + typeName(type) + " but the tensor holds " + mapped.remaining());
            }
            return fromRaw(dims, count, type, mapped.duplicate().order(ByteOrder.LITTLE_ENDIAN));
        }
        ByteString raw = null;
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            raw = external(t, (long) count * width, at);
        } else if (t.hasRawData()) {
            raw = t.getRawData();
        }
        if (raw != null) {
            if (raw.size() != (long) count * width) {
                throw new FoveaException(at + ": dims " + Arrays.toString(dims) + " need " + (long) count * width + " bytes of "
                        + typeName(type) + " but the tensor holds " + raw.size());
            }
            return fromRaw(dims, count, type, raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN));
        }
        return fromTyped(t, dims, count, type, at);
    }

    private OnnxTensor fromRaw(int[] dims, int count, int type, ByteBuffer b) {
        switch (type) {
            case 1 -> { return OnnxTensor.ofRawFloats(dims, b); }   // decoded only where needed (weights: straight into parameters)
            case 11 -> { float[] f = new float[count]; for (int i = 0; i < count; i++) f[i] = (float) b.getDouble(); return OnnxTensor.ofFloats(dims, f); }
            case 10 -> { float[] f = new float[count]; for (int i = 0; i < count; i++) f[i] = Float.float16ToFloat(b.getShort()); return OnnxTensor.ofFloats(dims, f); }
            case 16 -> { float[] f = new float[count]; for (int i = 0; i < count; i++) f[i] = Float.intBitsToFloat((b.getShort() & 0xffff) << 16); return OnnxTensor.ofFloats(dims, f); }
            default -> {
                long[] l = new long[count];
                for (int i = 0; i < count; i++) {
                    l[i] = switch (type) {
                        case 7, 13 -> b.getLong();
                        case 6 -> b.getInt();
                        case 12 -> b.getInt() & 0xffffffffL;
                        case 5 -> b.getShort();
                        case 4 -> b.getShort() & 0xffff;
                        case 3 -> b.get();
                        default -> b.get() & 0xff;   // uint8, bool
                    };
                }
                return OnnxTensor.ofLongs(dims, l);
            }
        }
    }

    private OnnxTensor fromTyped(TensorProto t, int[] dims, int count, int type, String at) {
        int present = switch (type) {
            case 1 -> t.getFloatDataCount();
            case 11 -> t.getDoubleDataCount();
            case 7 -> t.getInt64DataCount();
            case 12, 13 -> t.getUint64DataCount();
            default -> t.getInt32DataCount();   // int32, int16, int8, uint16, uint8, bool, float16, bfloat16
        };
        if (present != count) {
            throw new FoveaException(at + ": dims " + Arrays.toString(dims) + " declare " + count + " elements but the tensor holds " + present);
        }
        switch (type) {
            case 1 -> {
                float[] f = new float[count];
                for (int i = 0; i < count; i++) f[i] = t.getFloatData(i);
                return OnnxTensor.ofFloats(dims, f);
            }
            case 11 -> {
                float[] f = new float[count];
                for (int i = 0; i < count; i++) f[i] = (float) t.getDoubleData(i);
                return OnnxTensor.ofFloats(dims, f);
            }
            case 10, 16 -> {
                float[] f = new float[count];
                for (int i = 0; i < count; i++) {
                    int bits = t.getInt32Data(i) & 0xffff;
                    f[i] = type == 10 ? Float.float16ToFloat((short) bits) : Float.intBitsToFloat(bits << 16);
                }
                return OnnxTensor.ofFloats(dims, f);
            }
            default -> {
                long[] l = new long[count];
                for (int i = 0; i < count; i++) {
                    l[i] = switch (type) {
                        case 7 -> t.getInt64Data(i);
                        case 12, 13 -> t.getUint64Data(i);
                        default -> t.getInt32Data(i);
                    };
                }
                return OnnxTensor.ofLongs(dims, l);
            }
        }
    }

    /** Bytes per element of a supported type. */
    static int width(int type, String at) {
        return switch (type) {
            case 1, 6, 12 -> 4;             // float, int32, uint32
            case 7, 11, 13 -> 8;            // int64, double, uint64
            case 5, 4, 10, 16 -> 2;         // int16, uint16, float16, bfloat16
            case 2, 3, 9 -> 1;              // uint8, int8, bool
            default -> throw new FoveaException(at + ": element type " + typeName(type)
                    + " is not supported; accepted: float, float16, bfloat16, double and integer or bool types");
        };
    }

    public static String typeName(int type) {
        return switch (type) {
            case 1 -> "float"; case 2 -> "uint8"; case 3 -> "int8"; case 4 -> "uint16"; case 5 -> "int16"; case 6 -> "int32";
            case 7 -> "int64"; case 8 -> "string"; case 9 -> "bool"; case 10 -> "float16"; case 11 -> "double"; case 12 -> "uint32";
            case 13 -> "uint64"; case 14 -> "complex64"; case 15 -> "complex128"; case 16 -> "bfloat16";
            default -> "type " + type;
        };
    }

    /** Reads [offset, offset + length) of an external data file that must lie inside the model's folder. */
    private ByteString external(TensorProto t, long expected, String at) {
        String location = null;
        long offset = 0, length = -1;
        for (StringStringEntryProto e : t.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = parseLong(e.getValue(), "offset", at);
                case "length" -> length = parseLong(e.getValue(), "length", at);
                default -> { }   // checksum and others: informative only
            }
        }
        if (modelDir == null) {
            throw new FoveaException(at + ": keeps its data in an external file (" + location + "); loading external data is off"
                    + " (allow it with OnnxOptions.withExternalData(true), for files inside the model's folder)");
        }
        if (location == null || location.isEmpty()) throw new FoveaException(at + ": external data without a location");
        try {
            Path dir = modelDir.toRealPath();
            Path p = dir.resolve(location).normalize();
            if (!p.startsWith(dir) || !Files.isRegularFile(p) || !p.toRealPath().startsWith(dir)) {
                throw new FoveaException(at + ": external data \"" + location + "\" is not a file inside the model's folder " + dir);
            }
            long size = Files.size(p);
            if (length < 0) length = expected;
            if (length != expected || offset < 0 || offset > size || length > size - offset) {
                throw new FoveaException(at + ": external data \"" + location + "\" range offset " + offset + " length " + length
                        + " does not fit the " + expected + " bytes the tensor needs or the file's " + size + " bytes");
            }
            if (length > Integer.MAX_VALUE - 16) throw new FoveaException(at + ": external data of " + length + " bytes is too large for one tensor");
            byte[] bytes = new byte[(int) length];
            try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "r")) {
                f.seek(offset);
                f.readFully(bytes);
            }
            return ByteString.copyFrom(bytes);
        } catch (IOException e) {
            throw new FoveaException(at + ": cannot read external data \"" + location + "\" (" + e.getMessage() + ")");
        }
    }

    private static long parseLong(String s, String key, String at) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new FoveaException(at + ": external data " + key + " \"" + s + "\" is not an integer");
        }
    }
}

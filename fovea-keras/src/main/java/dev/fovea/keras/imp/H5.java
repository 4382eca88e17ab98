package dev.fovea.keras.imp;

import dev.fovea.FoveaException;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.FloatingPoint;
import io.jhdf.object.datatype.StringData;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The part of an HDF5 file that Keras writes, read through jHDF and treated as hostile: every
 * size is checked before anything is allocated (a dataset against the weight budget and, when it
 * is stored uncompressed, against the bytes the file really has), only floating-point weights and
 * string attributes are accepted, and any failure inside the HDF5 library becomes one line naming
 * the file and the object. Nothing here is cached: each weight is read once, when it is copied.
 */
public final class H5 implements AutoCloseable {
    /** String attributes (model_config JSON, name lists) above this are refused: real ones are kilobytes. */
    static final long MAX_ATTRIBUTE_BYTES = 64L << 20;

    private final HdfFile file;
    private final String where;
    private final long fileBytes;
    private long budget;   // bytes of float weights still allowed

    private H5(HdfFile file, String where, long fileBytes, long budget) {
        this.file = file;
        this.where = where;
        this.fileBytes = fileBytes;
        this.budget = budget;
        // jHDF reads a truncated file until it meets the missing bytes; the superblock says how long the file must be.
        long eof = file.getHdfBackingStorage().getSuperblock().getEndOfFileAddress();
        long needed = eof + file.getUserBlockSize();
        if (eof > 0 && needed > fileBytes) {
            file.close();
            throw new FoveaException(where + ": truncated HDF5 file (" + fileBytes + " bytes; its superblock says " + needed + ")");
        }
    }

    /** Opens a file; budget is the most weight bytes (as float32) it may hand out in total. */
    public static H5 open(Path path, String where, long budget) {
        try {
            long size = Files.size(path);
            return new H5(new HdfFile(path), where, size, budget);
        } catch (FoveaException e) {
            throw e;
        } catch (java.io.IOException e) {
            throw new FoveaException(where + ": cannot read (" + e.getMessage() + ")");
        } catch (RuntimeException e) {
            throw new FoveaException(where + ": not a readable HDF5 file (" + reason(e) + ")");
        }
    }

    /** An HDF5 file held in memory (the weights inside a .keras archive). */
    public static H5 fromBytes(byte[] bytes, String where, long budget) {
        try {
            return new H5(HdfFile.fromBytes(bytes), where, bytes.length, budget);
        } catch (FoveaException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new FoveaException(where + ": not a readable HDF5 file (" + reason(e) + ")");
        }
    }

    public String where() { return where; }

    /** Whether an object exists at the slash-separated path. */
    public boolean has(String path) {
        return guard(path, () -> {
            try {
                file.getByPath(path);
                return true;
            } catch (io.jhdf.exceptions.HdfInvalidPathException e) {
                return false;
            }
        });
    }

    /** Whether the object at path is a group. */
    public boolean isGroup(String path) {
        return guard(path, () -> node(path).isGroup());
    }

    /** The names of a group's members, in the file's order. */
    public List<String> children(String path) {
        return guard(path, () -> {
            Node n = node(path);
            if (!(n instanceof Group g)) throw new FoveaException(where + ": " + path + " is not a group");
            return new ArrayList<>(g.getChildren().keySet());
        });
    }

    /** A string attribute (fixed- or variable-length, ASCII or UTF-8), or null when absent. */
    public String string(String path, String name) {
        Object v = attribute(path, name);
        if (v == null) return null;
        if (v instanceof String s) return s;
        if (v instanceof String[] a && a.length == 1) return a[0];
        throw new FoveaException(where + ": attribute " + name + " of " + display(path) + " is not a string");
    }

    /** A string-list attribute such as layer_names or weight_names, or null when absent. */
    public List<String> strings(String path, String name) {
        Object v = attribute(path, name);
        if (v == null) return null;
        if (v instanceof String s) return List.of(s);
        if (v instanceof String[] a) return Arrays.asList(a);
        throw new FoveaException(where + ": attribute " + name + " of " + display(path) + " is not a list of strings");
    }

    private Object attribute(String path, String name) {
        return guard(path + "@" + name, () -> {
            Attribute a = node(path).getAttribute(name);
            if (a == null) return null;
            DataType t = a.getDataType();
            if (!(t instanceof StringData) && !(t instanceof io.jhdf.object.datatype.VariableLength)) {
                throw new FoveaException(where + ": attribute " + name + " of " + display(path) + " is not a string");
            }
            long dims = 1;
            for (long d : a.getDimensionsAsLong()) dims = Math.multiplyExact(dims, Math.max(d, 0));
            if (dims > 1_000_000 || a.getSizeInBytes() > MAX_ATTRIBUTE_BYTES) {
                throw new FoveaException(where + ": attribute " + name + " of " + display(path) + " is too large (" + a.getSizeInBytes() + " bytes)");
            }
            Object v = a.getData();
            if (v instanceof String s && s.length() > MAX_ATTRIBUTE_BYTES) {
                throw new FoveaException(where + ": attribute " + name + " of " + display(path) + " is too large");
            }
            return v;
        });
    }

    /** The dims of a dataset, without reading it. */
    public int[] dims(String path) {
        return guard(path, () -> dataset(path).getDimensions());
    }

    /**
     * A floating-point dataset (float16/32/64) as float32 values in row-major order, with its dims.
     * Checked first: the element count fits the budget and, for contiguous uncompressed storage,
     * the bytes lie in the file.
     */
    public KerasWeight floats(String path, String weightName) {
        return guard(path, () -> {
            Dataset d = dataset(path);
            String at = where + ": dataset " + path;
            if (d.isCompound() || d.isVariableLength() || !(d.getDataType() instanceof FloatingPoint fp)) {
                throw new FoveaException(at + " is not floating-point (Keras weights are float16, float32 or float64)");
            }
            int elementBytes = fp.getSize();
            if (elementBytes != 4 && elementBytes != 8 && elementBytes != 2) {
                throw new FoveaException(at + " has " + elementBytes + "-byte floats; accepted: 2, 4 or 8 bytes");
            }
            long[] dl = d.getDimensionsAsLong();
            long count = 1;
            for (long x : dl) {
                if (x < 0 || x > Integer.MAX_VALUE) throw new FoveaException(at + " has a bad dimension " + x);
                count = Math.multiplyExact(count, x);
            }
            if (count > Integer.MAX_VALUE - 16 || count * 4 > budget) {
                throw new FoveaException(at + " holds " + count + " values: more than this JVM's heap allows for weights "
                        + "(raise -Xmx, or the file is damaged)");
            }
            if (d.getFilters().isEmpty() && count * elementBytes > fileBytes) {
                throw new FoveaException(at + " declares " + count * elementBytes + " bytes but the file has only " + fileBytes);
            }
            budget -= count * 4;
            int[] dims = d.getDimensions();
            float[] out;
            if (count == 0) {
                out = new float[0];
            } else if (d.isScalar()) {
                out = new float[] {((Number) d.getData()).floatValue()};
            } else {
                Object flat = d.getDataFlat();
                out = switch (flat) {
                    case float[] f -> f;
                    case double[] x -> {
                        float[] f = new float[x.length];
                        for (int i = 0; i < x.length; i++) f[i] = (float) x[i];
                        yield f;
                    }
                    default -> throw new FoveaException(at + " did not read as float values");
                };
            }
            if (out.length != count) throw new FoveaException(at + " read " + out.length + " values, its dims say " + count);
            return new KerasWeight(weightName, dims, out);
        });
    }

    private Dataset dataset(String path) {
        Node n = node(path);
        if (!(n instanceof Dataset d)) throw new FoveaException(where + ": " + path + " is not a dataset");
        return d;
    }

    private Node node(String path) {
        return path.isEmpty() || path.equals("/") ? file : file.getByPath(path);
    }

    private static String display(String path) {
        return path.isEmpty() || path.equals("/") ? "the root group" : path;
    }

    /** Runs a read, turning anything the HDF5 library throws into one line naming the file and object. */
    private <T> T guard(String object, java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (FoveaException e) {
            throw e;
        } catch (io.jhdf.exceptions.HdfInvalidPathException e) {
            throw new FoveaException(where + ": no object " + object + " in the file");
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            throw new FoveaException(where + ": cannot read " + object + " (" + reason(e) + ")");
        }
    }

    private static String reason(Throwable e) {
        String m = e.getMessage();
        String s = e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
        s = s.replaceAll("[\\r\\n\\t]+", " ");
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    @Override public void close() {
        try {
            file.close();
        } catch (RuntimeException e) {
            // Closing a file we only read cannot lose anything; a failure here is not worth reporting.
        }
    }
}

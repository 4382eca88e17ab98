package dev.fovea.keras.check;

import dev.fovea.FoveaException;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's .npy format (versions 1 to 3) for the conformance cases: a little-endian float32 or
 * float64 array in C order, read as a float32 tensor. The header is checked against the file's
 * length before the data is read.
 */
public final class Npy {
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    public static Tensor read(Path file) {
        byte[] b;
        try {
            long size = Files.size(file);
            if (size > Integer.MAX_VALUE - 16) throw new FoveaException(file + ": too large for a conformance array (" + size + " bytes)");
            b = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new FoveaException(file + ": cannot read (" + e.getMessage() + ")");
        }
        if (b.length < 10 || (b[0] & 0xff) != 0x93 || b[1] != 'N' || b[2] != 'U' || b[3] != 'M' || b[4] != 'P' || b[5] != 'Y') {
            throw new FoveaException(file + ": not a .npy file (no \\x93NUMPY magic)");
        }
        int major = b[6];
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen;
        int start;
        if (major == 1) {
            headerLen = buf.getShort(8) & 0xffff;
            start = 10;
        } else if (major == 2 || major == 3) {
            headerLen = buf.getInt(8) & 0xffffffffL;
            start = 12;
        } else {
            throw new FoveaException(file + ": .npy version " + major + " is not supported (1 to 3 are)");
        }
        if (start + headerLen > b.length) throw new FoveaException(file + ": header of " + headerLen + " bytes runs past the end of the file");
        String header = new String(b, start, (int) headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, file, "descr");
        if (group(FORTRAN, header, file, "fortran_order").equals("True")) throw new FoveaException(file + ": Fortran-order arrays are not supported");
        String[] parts = group(SHAPE, header, file, "shape").split(",");
        int[] dims = new int[0];
        long count = 1;
        for (String p : parts) {
            String t = p.trim();
            if (t.isEmpty()) continue;
            int d;
            try {
                d = Integer.parseInt(t);
            } catch (NumberFormatException e) {
                throw new FoveaException(file + ": bad shape entry \"" + t + "\"");
            }
            if (d < 0) throw new FoveaException(file + ": bad shape entry " + d);
            dims = java.util.Arrays.copyOf(dims, dims.length + 1);
            dims[dims.length - 1] = d;
            count *= d;
            if (count > Integer.MAX_VALUE) throw new FoveaException(file + ": the array is too large");
        }
        int width = switch (descr) {
            case "<f4" -> 4;
            case "<f8" -> 8;
            default -> throw new FoveaException(file + ": dtype " + descr + " is not supported (<f4 and <f8 are)");
        };
        int data = (int) (start + headerLen);
        if (data + count * width != b.length) {
            throw new FoveaException(file + ": holds " + (b.length - data) + " data bytes; shape " + java.util.Arrays.toString(dims) + " needs " + count * width);
        }
        float[] f = new float[(int) count];
        for (int i = 0; i < f.length; i++) f[i] = width == 4 ? buf.getFloat(data + 4 * i) : (float) buf.getDouble(data + 8 * i);
        return new Tensor(Shape.of(dims), f);
    }

    private static String group(Pattern p, String header, Path file, String key) {
        Matcher m = p.matcher(header);
        if (!m.find()) throw new FoveaException(file + ": the .npy header has no " + key);
        return m.group(1);
    }
}

package dev.fovea.data;

import dev.fovea.FoveaException;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/):
 * two zero bytes, a type byte, a dimension count, that many big-endian unsigned 32-bit
 * dimensions, then the values row-major. Only unsigned-byte values (type 0x08) are accepted,
 * which is what image and label files use.
 *
 * <p>Every file is treated as hostile. Gzip is recognised by its magic bytes (1f 8b), never by
 * the file name, since renamed and decompressed copies are common. The declared size is capped
 * before anything is allocated, and the value buffer grows only as data actually arrives, so a
 * tiny file that claims a huge array costs nothing. A file shorter than its header declares is
 * refused naming both sizes.
 *
 * <p>Trailing data: the format has no footer, so bytes after the declared values mean the file
 * is not what its header says (a concatenation, a wrong header); it is refused rather than
 * guessed at. One tolerance remains, and it is the JDK's: {@link GZIPInputStream} stops quietly
 * at bytes after the last gzip member that do not form another gzip header.
 */
public final class IdxReader {
    /** Unsigned byte: the only element type images and labels use. */
    static final int UBYTE = 0x08;
    /** Files with more dimensions than (N, H, W, C) are not images or labels. */
    static final int MAX_RANK = 4;
    /**
     * 2^28 values (256 MiB of bytes, 1 GiB as float32): five times full Fashion-MNIST, far below
     * what a made-up header can claim.
     */
    public static final long DEFAULT_MAX_VALUES = 1L << 28;

    private static final int CHUNK = 1 << 16;

    private final long maxValues;

    public IdxReader() {
        this(DEFAULT_MAX_VALUES);
    }

    /** A reader refusing files that declare more than {@code maxValues} values. */
    public IdxReader(long maxValues) {
        if (maxValues < 1 || maxValues > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxValues must be in 1.." + (Integer.MAX_VALUE - 8) + ", got " + maxValues);
        }
        this.maxValues = maxValues;
    }

    public IdxArray read(Path file) {
        dev.fovea.io.InputFiles.requireRegular(file);
        try (InputStream in = Files.newInputStream(file)) {
            return read(file.toString(), in);
        } catch (NoSuchFileException e) {
            throw new FoveaException(file + ": no such file");
        } catch (IOException e) {
            throw new FoveaException(file + ": cannot read (" + Errors.detail(e) + ")", e);
        }
    }

    /**
     * Reads one IDX array from {@code raw} (gzipped or not): the declared values, then a check
     * that nothing follows them. Does not close {@code raw}. {@code source} names it in errors.
     */
    public IdxArray read(String source, InputStream raw) {
        try {
            InputStream in = maybeGunzip(raw);
            byte[] head = new byte[4];
            int got = readFully(in, head, 0, 4);
            if (got < 4) {
                throw new FoveaException(source + ": " + got + " bytes is too short for an IDX header"
                        + " (IDX files start with 00 00 08 <dimension count>)");
            }
            if (head[0] != 0 || head[1] != 0) {
                throw new FoveaException(source + ": not an IDX file (starts with " + hex(head)
                        + "; IDX files start with 00 00 <type> <dimension count>)");
            }
            int type = head[2] & 0xFF;
            if (type != UBYTE) {
                throw new FoveaException(source + ": IDX element type 0x" + hex2(type) + " (" + typeName(type)
                        + "); only 0x08 (unsigned byte) images and labels are accepted");
            }
            int rank = head[3] & 0xFF;
            if (rank < 1 || rank > MAX_RANK) {
                throw new FoveaException(source + ": IDX header declares " + rank
                        + " dimensions; accepted are 1 (labels) to " + MAX_RANK + " (images)");
            }
            int[] dims = readDims(in, rank, source);
            byte[] values = readValues(in, dims, source);
            if (in.read() != -1) {
                throw new FoveaException(source + ": unexpected data after the " + values.length
                        + " values its header declares " + IdxArray.describe(dims) + "; refusing a file that is not one IDX array");
            }
            return new IdxArray(source, dims, values);
        } catch (EOFException e) {
            // A gzip header or trailer cut short; data cut short is reported by readValues with sizes.
            throw new FoveaException(source + ": truncated gzip data (the stream ends early)", e);
        } catch (ZipException e) {
            throw new FoveaException(source + ": corrupt gzip data (" + Errors.detail(e) + ")", e);
        } catch (IOException e) {
            throw new FoveaException(source + ": cannot read (" + Errors.detail(e) + ")", e);
        }
    }

    private static InputStream maybeGunzip(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, CHUNK);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            return new BufferedInputStream(new GZIPInputStream(in, CHUNK), CHUNK);
        }
        return in;
    }

    private int[] readDims(InputStream in, int rank, String source) throws IOException {
        byte[] b = new byte[4 * rank];
        int got = readFully(in, b, 0, b.length);
        if (got < b.length) {
            throw new FoveaException(source + ": truncated IDX header: " + rank + " dimensions need "
                    + (4 + b.length) + " header bytes, found " + (4 + got));
        }
        int[] dims = new int[rank]; // unsigned 32-bit; IdxArray.describe prints them as such
        for (int i = 0; i < rank; i++) {
            dims[i] = ((b[4 * i] & 0xFF) << 24) | ((b[4 * i + 1] & 0xFF) << 16) | ((b[4 * i + 2] & 0xFF) << 8) | (b[4 * i + 3] & 0xFF);
        }
        long product = 1;
        for (int i = 0; i < rank; i++) {
            long d = Integer.toUnsignedLong(dims[i]);
            if (d == 0) {
                throw new FoveaException(source + ": dimension " + i + " of " + IdxArray.describe(dims)
                        + " is 0; every IDX dimension must be at least 1");
            }
            // Checked before multiplying, so neither the product nor an allocation can blow up.
            if (d > maxValues / product) {
                throw new FoveaException(source + ": IDX header declares " + IdxArray.describe(dims)
                        + ", more than the " + maxValues + " values accepted; the header is corrupt or the file is not a dataset");
            }
            product *= d;
        }
        return dims;
    }

    private static byte[] readValues(InputStream in, int[] dims, String source) throws IOException {
        int n = 1;
        for (int d : dims) n *= d; // at most maxValues, checked in readDims
        // Grow as data arrives instead of trusting the header with one big allocation.
        byte[] buf = new byte[Math.min(n, CHUNK)];
        int have = 0;
        while (true) {
            have += readFully(in, buf, have, buf.length - have);
            if (have < buf.length || have == n) break;
            buf = Arrays.copyOf(buf, (int) Math.min(n, 2L * buf.length));
        }
        if (have < n) {
            throw new FoveaException(source + ": truncated: header declares " + IdxArray.describe(dims)
                    + " = " + n + " bytes of values, found " + have);
        }
        return buf;
    }

    /**
     * Reads up to len bytes, returning fewer only at the end of the data. A gzip stream cut short
     * ends with EOFException from the inflater; that is a truncation like any other, so it counts
     * as the end here and the caller reports the sizes.
     */
    private static int readFully(InputStream in, byte[] b, int off, int len) throws IOException {
        int total = 0;
        try {
            while (total < len) {
                int r = in.read(b, off + total, len - total);
                if (r < 0) break;
                total += r;
            }
        } catch (EOFException e) {
            // truncated gzip member: report as short data
        }
        return total;
    }

    private static String typeName(int type) {
        return switch (type) {
            case 0x08 -> "unsigned byte";
            case 0x09 -> "signed byte";
            case 0x0B -> "16-bit integer";
            case 0x0C -> "32-bit integer";
            case 0x0D -> "32-bit float";
            case 0x0E -> "64-bit float";
            default -> "not an IDX type";
        };
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < b.length; i++) {
            if (i > 0) sb.append(' ');
            sb.append(hex2(b[i] & 0xFF));
        }
        return sb.toString();
    }

    private static String hex2(int v) {
        return String.format("%02x", v);
    }
}

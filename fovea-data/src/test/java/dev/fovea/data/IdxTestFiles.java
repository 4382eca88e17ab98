package dev.fovea.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

/** Builds IDX bytes for tests, so each test states exactly what is in its file. */
final class IdxTestFiles {
    private IdxTestFiles() {}

    /** An unsigned-byte IDX file with these dimensions and values. */
    static byte[] idx(int[] dims, byte[] values) {
        return idx(0x08, dims, values);
    }

    static byte[] idx(int type, int[] dims, byte[] values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(0);
        out.write(type);
        out.write(dims.length);
        for (int d : dims) {
            out.write(d >>> 24);
            out.write(d >>> 16);
            out.write(d >>> 8);
            out.write(d);
        }
        out.writeBytes(values);
        return out.toByteArray();
    }

    /** Images (n, h, w) whose pixel values count up, wrapping at 256. */
    static byte[] images(int n, int h, int w) {
        byte[] v = new byte[n * h * w];
        for (int i = 0; i < v.length; i++) v[i] = (byte) (i * 7);
        return idx(new int[] {n, h, w}, v);
    }

    static byte[] labels(int... labels) {
        byte[] v = new byte[labels.length];
        for (int i = 0; i < v.length; i++) v[i] = (byte) labels[i];
        return idx(new int[] {labels.length}, v);
    }

    static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}

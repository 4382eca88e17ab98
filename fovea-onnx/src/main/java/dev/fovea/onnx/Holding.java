package dev.fovea.onnx;

import java.util.Arrays;

/**
 * How Fovea holds an ONNX value. {@code perm[i]} is the ONNX axis stored as per-example axis i of
 * the Fovea tensor. When {@code batched}, Fovea's batch axis is ONNX axis 0 and perm orders the
 * others (an NCHW image held as NHWC is batched with perm [2, 3, 1]); otherwise the whole ONNX
 * tensor is one example (Fovea batch 1) and perm orders all its axes.
 */
public record Holding(boolean batched, int[] perm) {
    public Holding {
        perm = perm.clone();
    }

    /** Row-major order: batched [1, ..., r-1], or whole [0, ..., r-1]. */
    public static Holding rowMajor(int rank, boolean batched) {
        int first = batched ? 1 : 0;
        int[] p = new int[Math.max(0, rank - first)];
        for (int i = 0; i < p.length; i++) p[i] = first + i;
        return new Holding(batched, p);
    }

    /** NCHW held as (N, H, W, C). */
    public static Holding nhwc() {
        return new Holding(true, new int[] {2, 3, 1});
    }

    @Override public int[] perm() { return perm.clone(); }

    /** The per-example Fovea shape of a value with ONNX dims. */
    public int[] perExample(int[] dims) {
        int[] s = new int[perm.length];
        for (int i = 0; i < perm.length; i++) s[i] = dims[perm[i]];
        return s;
    }

    /** The per-example axis holding ONNX axis a, or -1 (the batch axis). */
    public int axisOf(int onnxAxis) {
        for (int i = 0; i < perm.length; i++) if (perm[i] == onnxAxis) return i;
        return -1;
    }

    public boolean isRowMajor() {
        for (int i = 0; i < perm.length; i++) if (perm[i] != i + (batched ? 1 : 0)) return false;
        return true;
    }

    /**
     * An ONNX tensor (dims, row-major) rearranged as this holding stores it: (N, per-example...)
     * when batched, (1, per-example...) otherwise.
     */
    public float[] toFovea(float[] onnx, int[] dims) {
        return permuteData(onnx, dims, fullPerm());
    }

    /** The inverse of {@link #toFovea}: Fovea data back in ONNX order. */
    public float[] toOnnx(float[] fovea, int[] dims) {
        int[] full = fullPerm();
        int[] foveaDims = new int[full.length];
        for (int i = 0; i < full.length; i++) foveaDims[i] = dims[full[i]];
        int[] inverse = new int[full.length];
        for (int i = 0; i < full.length; i++) inverse[full[i]] = i;
        return permuteData(fovea, foveaDims, inverse);
    }

    /** The permutation of ONNX axes giving the Fovea data order (batch axis first when batched). */
    private int[] fullPerm() {
        if (!batched) return perm.clone();
        int[] p = new int[perm.length + 1];
        System.arraycopy(perm, 0, p, 1, perm.length);
        return p;
    }

    private static float[] permuteData(float[] x, int[] dims, int[] perm) {
        if (dims.length == 0) return x.clone();
        float[] out = new float[x.length];
        new dev.fovea.ops.PermuteOp(dims, perm).forward(out, x);
        return out;
    }

    @Override public boolean equals(Object o) {
        return o instanceof Holding h && h.batched == batched && Arrays.equals(h.perm, perm);
    }

    @Override public int hashCode() { return Arrays.hashCode(perm) * 31 + (batched ? 1 : 0); }

    @Override public String toString() { return (batched ? "batched" : "whole") + Arrays.toString(perm); }
}

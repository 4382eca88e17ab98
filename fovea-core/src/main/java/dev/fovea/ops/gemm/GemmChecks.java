package dev.fovea.ops.gemm;

import java.util.Objects;

/**
 * Argument checks for {@link Gemm}, done once at the entry so the kernels can trust every index.
 * Each message says what was expected and what came.
 */
final class GemmChecks {
    private GemmChecks() {}

    static void check(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float[] c, int cOff, int ldc) {
        Objects.requireNonNull(a, "gemm: A is null");
        Objects.requireNonNull(b, "gemm: B is null");
        Objects.requireNonNull(c, "gemm: C is null");
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("gemm: sizes must be >= 0, got m=" + m + " n=" + n + " k=" + k);
        }
        // Stored shapes: A is (m, k), or (k, m) when transposed; B is (k, n), or (n, k).
        long aSpan = span("A", transA ? k : m, transA ? m : k, a, aOff, lda, m > 0 && n > 0 && k > 0);
        long bSpan = span("B", transB ? n : k, transB ? k : n, b, bOff, ldb, m > 0 && n > 0 && k > 0);
        long cSpan = span("C", m, n, c, cOff, ldc, m > 0 && n > 0);
        // C is written while A and B are read: a shared array must not have overlapping extents.
        if (c == a && overlaps(cOff, cSpan, aOff, aSpan)) {
            throw new IllegalArgumentException("gemm: C and A overlap in the same array (C at " + cOff
                    + "+" + cSpan + ", A at " + aOff + "+" + aSpan + ")");
        }
        if (c == b && overlaps(cOff, cSpan, bOff, bSpan)) {
            throw new IllegalArgumentException("gemm: C and B overlap in the same array (C at " + cOff
                    + "+" + cSpan + ", B at " + bOff + "+" + bSpan + ")");
        }
    }

    /**
     * Checks a stored (rows, cols) matrix with leading dimension ld fits its array, and returns
     * the number of elements from the offset to one past its last element (0 when unused).
     */
    private static long span(String name, int rows, int cols, float[] x, int off, int ld, boolean used) {
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException("gemm: leading dimension of " + name + " must be >= "
                    + Math.max(1, cols) + " (its stored row length), got " + ld);
        }
        if (off < 0) throw new IllegalArgumentException("gemm: offset of " + name + " must be >= 0, got " + off);
        if (!used || rows == 0 || cols == 0) return 0;
        long span = (long) (rows - 1) * ld + cols;
        if (off + span > x.length) {
            throw new IllegalArgumentException("gemm: " + name + " (" + rows + ", " + cols + ") with leading dimension "
                    + ld + " at offset " + off + " needs " + (off + span) + " elements, array has " + x.length);
        }
        return span;
    }

    private static boolean overlaps(long off1, long len1, long off2, long len2) {
        return len1 > 0 && len2 > 0 && off1 < off2 + len2 && off2 < off1 + len1;
    }
}

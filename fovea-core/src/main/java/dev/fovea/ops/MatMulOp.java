package dev.fovea.ops;

import dev.fovea.ops.gemm.Gemm;

/**
 * Batched matrix product with broadcasting over the leading axes (numpy matmul, ONNX MatMul):
 * c (..., M, P) = a (..., M, K) · b (..., K, P). When b is one matrix shared by every batch
 * entry (the common "dense over the last axis" case) the whole product is one GEMM of
 * (batch·M, K) · (K, P); otherwise one GEMM per output matrix. A plan made once per shape pair
 * maps every output matrix to its operands; one instance serves one layer.
 */
public final class MatMulOp {
    private final int m, k, p;
    private final int[] aOffsets, bOffsets;   // per output matrix: element offset of its a and b
    private final boolean sharedB;            // b is one (K, P) matrix, a is contiguous

    /** aBatch and bBatch: the leading (broadcast) axes of each operand; batch: their broadcast. */
    public MatMulOp(int[] aBatch, int[] bBatch, int[] batch, int m, int k, int p) {
        this.m = m;
        this.k = k;
        this.p = p;
        int count = 1;
        for (int d : batch) count *= d;
        BroadcastOp.Plan plan = BroadcastOp.plan(aBatch, bBatch, batch);
        aOffsets = new int[count];
        bOffsets = new int[count];
        walk(plan, count);
        boolean shared = true;
        for (int i = 0; i < count; i++) shared &= bOffsets[i] == 0 && aOffsets[i] == i;
        sharedB = shared;
        for (int i = 0; i < count; i++) {
            aOffsets[i] *= m * k;
            bOffsets[i] *= k * p;
        }
    }

    /** Records each output matrix's operand indices (in matrices) by walking the broadcast plan once. */
    private void walk(BroadcastOp.Plan plan, int count) {
        int r = plan.dims.length;
        int[] idx = new int[r];
        for (int o = 0; o < count; o++) {
            int ia = 0, ib = 0;
            for (int ax = 0; ax < r; ax++) {
                ia += idx[ax] * plan.aStride[ax];
                ib += idx[ax] * plan.bStride[ax];
            }
            aOffsets[o] = ia;
            bOffsets[o] = ib;
            for (int ax = r - 1; ax >= 0; ax--) {
                if (++idx[ax] < plan.dims[ax]) break;
                idx[ax] = 0;
            }
        }
    }

    public int matrices() { return aOffsets.length; }

    /** c (batch, M, P) = a · b. */
    public void forward(float[] c, float[] a, float[] b) {
        if (sharedB) {
            Gemm.gemm(false, false, matrices() * m, p, k, a, 0, k, b, 0, p, 0f, c, 0, p);
            return;
        }
        for (int i = 0; i < matrices(); i++) {
            Gemm.gemm(false, false, m, p, k, a, aOffsets[i], k, b, bOffsets[i], p, 0f, c, i * m * p, p);
        }
    }

    /** Adds dA += dC · bᵀ and dB += aᵀ · dC (each nullable), summed over broadcast matrices. */
    public void backward(float[] dA, float[] dB, float[] dC, float[] a, float[] b) {
        if (sharedB) {
            int rows = matrices() * m;
            if (dA != null) Gemm.gemm(false, true, rows, k, p, dC, 0, p, b, 0, p, 1f, dA, 0, k);
            if (dB != null) Gemm.gemm(true, false, k, p, rows, a, 0, k, dC, 0, p, 1f, dB, 0, p);
            return;
        }
        for (int i = 0; i < matrices(); i++) {
            int cOff = i * m * p;
            if (dA != null) Gemm.gemm(false, true, m, k, p, dC, cOff, p, b, bOffsets[i], p, 1f, dA, aOffsets[i], k);
            if (dB != null) Gemm.gemm(true, false, k, p, m, a, aOffsets[i], k, dC, cOff, p, 1f, dB, bOffsets[i], p);
        }
    }
}

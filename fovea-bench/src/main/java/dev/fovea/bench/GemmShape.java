package dev.fovea.bench;

/**
 * The GEMM shapes the benchmarks time: the 1024-cube used to compare with other libraries, and
 * the products the course-notes CNN (Conv2D(32, 3) - pool - Conv2D(64, 3) - pool - Dense(1024) -
 * Dense(10)) issues for a batch of 64 28x28 images, in im2col form.
 */
public enum GemmShape {
    /** The usual yardstick. */
    SQUARE_1024(false, false, 1024, 1024, 1024),
    /** Conv1 forward: patches (64*26*26, 3*3*1) times filters (9, 32). */
    CONV1_FORWARD(false, false, 64 * 26 * 26, 32, 9),
    /** Conv2 forward: patches (64*11*11, 3*3*32) times filters (288, 64). */
    CONV2_FORWARD(false, false, 64 * 11 * 11, 64, 288),
    /** Conv2 weight gradient: patches^T (288, 64*11*11) times output gradient (64*11*11, 64). */
    CONV2_WEIGHT_GRAD(true, false, 288, 64, 64 * 11 * 11),
    /** Conv weight gradient at the brief's size: k = 64*26*26 pixels. */
    CONV_WEIGHT_GRAD_43264(true, false, 288, 64, 64 * 26 * 26),
    /** Conv2 input gradient: output gradient (64*11*11, 64) times filters^T (64, 288). */
    CONV2_INPUT_GRAD(false, true, 64 * 11 * 11, 288, 64),
    /** Dense(1024) forward: flattened (64, 5*5*64) times weights (1600, 1024). */
    DENSE_FORWARD(false, false, 64, 1024, 1600),
    /** Dense(1024) weight gradient: inputs^T (1600, 64) times output gradient (64, 1024). */
    DENSE_WEIGHT_GRAD(true, false, 1600, 1024, 64),
    /** Dense(1024) input gradient: output gradient (64, 1024) times weights^T (1024, 1600). */
    DENSE_INPUT_GRAD(false, true, 64, 1600, 1024),
    /** A tiny product, where packing overhead would show. */
    TINY_8(false, false, 8, 8, 8);

    public final boolean transA, transB;
    public final int m, n, k;

    GemmShape(boolean transA, boolean transB, int m, int n, int k) {
        this.transA = transA;
        this.transB = transB;
        this.m = m;
        this.n = n;
        this.k = k;
    }

    /** Stored leading dimensions: A is (m, k) or (k, m), B is (k, n) or (n, k). */
    public int lda() { return transA ? m : k; }
    public int ldb() { return transB ? k : n; }

    public double gflop() { return 2.0 * m * n * k / 1e9; }
}

package dev.fovea.ops;

import dev.fovea.ops.gemm.Gemm;
import dev.fovea.tensor.Parallel;

import java.util.Arrays;

/**
 * A convolution's input gradient as GEMM plus col2im, a few images at a time: for each block,
 * dCol (B*OH*OW, KH*KW*C) = dy (B*OH*OW, F) · kernelᵀ (F, KH*KW*C) into a per-thread buffer that
 * stays in L2, then scattered back into dx (col2im). Blocks of whole images run in parallel (an
 * image's windows only touch that image), each GEMM single-threaded inside the loop.
 *
 * <p>Why blocks: the whole batch's dCol is 9 MB for the course-notes model's second layer, written
 * by GEMM and read back by col2im through main memory; a block of 4 images is about 0.5 MB. Why not
 * the direct transposed convolution ({@link DirectConv2D#backwardInput}): it multiplies the
 * zero border of dy as well, 40% more work at 13x13, where GEMM does only the useful products.
 */
final class BlockedInputGrad implements Parallel.RangeBody {
    /** Largest dCol block, in floats: 256 K floats = 1 MiB, half of a core's L2. */
    private static final int BLOCK_FLOATS = 1 << 18;

    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[1][0]);

    private float[] dx, dy, kernel;
    private int c, f, imagesPerBlock, n;
    private WindowGeometry g;

    /** dx (N, H, W, C), overwritten, from dy (N, OH, OW, F) and kernel (KH, KW, C, F). */
    void run(float[] dx, float[] dy, float[] kernel, int n, int c, int f, WindowGeometry g) {
        int rowsPerImage = g.outH() * g.outW(), k = g.kH() * g.kW() * c;
        this.dx = dx; this.dy = dy; this.kernel = kernel; this.n = n; this.c = c; this.f = f; this.g = g;
        imagesPerBlock = Math.max(1, Math.min(n, BLOCK_FLOATS / Math.max(1, rowsPerImage * k)));
        try {
            Parallel.forRange((n + imagesPerBlock - 1) / imagesPerBlock, 1, this);
        } finally {
            this.dx = null; this.dy = null; this.kernel = null;
        }
    }

    @Override public void run(int block0, int block1) {
        int rowsPerImage = g.outH() * g.outW(), k = g.kH() * g.kW() * c, imageSize = g.inH() * g.inW() * c;
        float[][] holder = SCRATCH.get();
        if (holder[0].length < imagesPerBlock * rowsPerImage * k) holder[0] = new float[imagesPerBlock * rowsPerImage * k];
        float[] dCol = holder[0];
        for (int blk = block0; blk < block1; blk++) {
            int b0 = blk * imagesPerBlock, b1 = Math.min(n, b0 + imagesPerBlock);
            int m = (b1 - b0) * rowsPerImage;
            // dCol (m, K) = dy rows of images b0..b1 (m, F) · kernelᵀ (F, K)
            Gemm.gemm(false, true, m, k, f, dy, b0 * rowsPerImage * f, f, kernel, 0, f, 0f, dCol, 0, k);
            Arrays.fill(dx, b0 * imageSize, b1 * imageSize, 0f);
            for (int b = b0; b < b1; b++) Im2Col.raiseImage(dx, b * imageSize, dCol, (b - b0) * rowsPerImage * k, c, g);
        }
    }
}

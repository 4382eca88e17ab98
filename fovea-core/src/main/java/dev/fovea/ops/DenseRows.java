package dev.fovea.ops;

import dev.fovea.tensor.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * A fully connected layer's forward for one or two rows (batch-1 latency): y = x · W + bias. GEMM
 * would pack all of W for a single row (a 1600 x 1024 kernel is 6.5 MB, copied to multiply it
 * once), so instead W is streamed once in memory order, four weight rows at a time, into a row of
 * sums that stays in L1. Threads take ranges of columns (each streams its part of every row).
 *
 * <p>The sums follow GEMM's order exactly: the depth is cut into the same blocks as
 * dev.fovea.ops.gemm's (about 256 rows), each block summed from zero by a chain of fused
 * multiply-adds in row order and then added to a total that starts at the bias. Imported models
 * with huge activations amplify any rounding difference up to the output, and their reference
 * outputs were matched by the GEMM route, so this one reproduces it bit for bit.
 */
final class DenseRows implements Parallel.RangeBody {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    /** At most this many batch rows: beyond it, streaming W once per row costs more than GEMM's packing. */
    static final int MAX_ROWS = 2;
    /** GEMM's depth blocks: target and largest size (dev.fovea.ops.gemm.GemmBlocked.KC, KC_MAX). */
    private static final int KC = 256, KC_MAX = KC + KC / 2;

    private float[] blockSums = new float[0];   // (units rounded up to vectors): the current block's sums
    private float[] x, w, y, bias;
    private boolean relu;
    private int rows, in, units, vectors, kBlock;

    /** y (rows, units) = x (rows, in) · w (in, units) + bias (units, nullable), then ReLU if asked; rows <= MAX_ROWS. */
    void forward(float[] y, float[] x, float[] w, float[] bias, boolean relu, int rows, int in, int units) {
        vectors = (units + V - 1) / V;
        int kBlocks = Math.max((in + KC_MAX - 1) / KC_MAX, (in + KC / 2) / KC);
        kBlock = (in + Math.max(1, kBlocks) - 1) / Math.max(1, kBlocks);
        if (blockSums.length < vectors * V) blockSums = new float[vectors * V];
        this.x = x; this.w = w; this.y = y; this.bias = bias; this.relu = relu;
        this.rows = rows; this.in = in; this.units = units;
        try {
            // Chunks of whole vectors of columns, each streaming at least about 1 MiB of W: narrower
            // ones stream W's rows in shorter pieces, which the prefetchers follow less well.
            Parallel.forRange(vectors, Math.max(1, (1 << 18) / Math.max(1, in * V)), this);
        } finally {
            this.x = null; this.w = null; this.y = null; this.bias = null;
        }
    }

    @Override public void run(int v0, int v1) {
        int j0 = v0 * V, j1 = Math.min(units, v1 * V);
        int full = j0 + S.loopBound(j1 - j0);   // vector columns; the rest (< V, at the very end) scalar
        for (int r = 0; r < rows; r++) {
            int out = r * units, xr = r * in;
            for (int j = j0; j < j1; j++) y[out + j] = bias == null ? 0f : bias[j];
            for (int b0 = 0; b0 < in; b0 += kBlock) {
                int b1 = Math.min(in, b0 + kBlock);
                Arrays.fill(blockSums, j0, j1, 0f);
                int i = b0;
                for (; i + 4 <= b1; i += 4) {
                    FloatVector x0 = FloatVector.broadcast(S, x[xr + i]), x1 = FloatVector.broadcast(S, x[xr + i + 1]);
                    FloatVector x2 = FloatVector.broadcast(S, x[xr + i + 2]), x3 = FloatVector.broadcast(S, x[xr + i + 3]);
                    int w0 = i * units, w1 = w0 + units, w2 = w1 + units, w3 = w2 + units;
                    for (int j = j0; j < full; j += V) {
                        FloatVector s = FloatVector.fromArray(S, blockSums, j);
                        s = x0.fma(FloatVector.fromArray(S, w, w0 + j), s);
                        s = x1.fma(FloatVector.fromArray(S, w, w1 + j), s);
                        s = x2.fma(FloatVector.fromArray(S, w, w2 + j), s);
                        s = x3.fma(FloatVector.fromArray(S, w, w3 + j), s);
                        s.intoArray(blockSums, j);
                    }
                    for (int j = full; j < j1; j++) {
                        float s = blockSums[j];
                        s = Math.fma(x[xr + i], w[w0 + j], s);
                        s = Math.fma(x[xr + i + 1], w[w1 + j], s);
                        s = Math.fma(x[xr + i + 2], w[w2 + j], s);
                        blockSums[j] = Math.fma(x[xr + i + 3], w[w3 + j], s);
                    }
                }
                for (; i < b1; i++) {
                    FloatVector xi = FloatVector.broadcast(S, x[xr + i]);
                    int wi = i * units;
                    for (int j = j0; j < full; j += V) {
                        xi.fma(FloatVector.fromArray(S, w, wi + j), FloatVector.fromArray(S, blockSums, j)).intoArray(blockSums, j);
                    }
                    for (int j = full; j < j1; j++) blockSums[j] = Math.fma(x[xr + i], w[wi + j], blockSums[j]);
                }
                for (int j = j0; j < j1; j++) y[out + j] += blockSums[j];
            }
            if (relu) for (int j = j0; j < j1; j++) y[out + j] = Math.max(0f, y[out + j]);
        }
    }
}

package dev.fovea.ops;

import dev.fovea.gradcheck.Close;
import dev.fovea.gradcheck.TestData;
import dev.fovea.tensor.Parallel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

/**
 * {@link DenseOp} (one- and two-row streaming kernel, column-split GEMMs, fused ReLU) held equal to
 * plain loops, relative 1e-4, on random shapes: batch 1 and 2, odd sizes, sizes around the
 * 64-column split and the parallel threshold, at 1, 2 and 3 threads.
 */
class DenseFastVsReferenceTest {
    private static int before;

    @BeforeAll static void remember() { before = Parallel.threads(); }

    @AfterAll static void restore() { Parallel.setThreads(before); }

    @Test
    void matchesPlainLoops() {
        SplittableRandom rng = new SplittableRandom(11);
        int[][] fixed = {{1, 1600, 1024}, {2, 300, 77}, {1, 5, 3}, {3, 7, 1}, {64, 200, 130}, {17, 513, 65}, {1, 1, 1}};
        for (int threads : new int[] {1, 2, 3}) {
            Parallel.setThreads(threads);
            for (int s = 0; s < 30; s++) {
                int n, in, units;
                if (s < fixed.length) {
                    n = fixed[s][0]; in = fixed[s][1]; units = fixed[s][2];
                } else {
                    n = 1 + rng.nextInt(70); in = 1 + rng.nextInt(400); units = 1 + rng.nextInt(300);
                }
                boolean relu = rng.nextBoolean(), bias = rng.nextBoolean();
                check(rng, n, in, units, relu, bias, threads);
            }
        }
    }

    private static void check(SplittableRandom rng, int n, int in, int units, boolean relu, boolean withBias, int threads) {
        String where = "threads " + threads + ", n " + n + ", in " + in + ", units " + units + (relu ? ", relu" : "") + (withBias ? "" : ", no bias");
        float[] x = TestData.uniform(rng, n * in, 1), w = TestData.uniform(rng, in * units, 1);
        float[] b = withBias ? TestData.uniform(rng, units, 1) : null;
        float[] dy = TestData.uniform(rng, n * units, 1);
        double[] yRef = new double[n * units], dxRef = new double[n * in], dwRef = new double[in * units], dbRef = new double[units];
        for (int r = 0; r < n; r++)
            for (int u = 0; u < units; u++) {
                double s = withBias ? b[u] : 0;
                for (int i = 0; i < in; i++) s += (double) x[r * in + i] * w[i * units + u];
                yRef[r * units + u] = relu ? Math.max(0, (float) s) : s;
                dbRef[u] += dy[r * units + u];
                for (int i = 0; i < in; i++) {
                    dwRef[i * units + u] += (double) x[r * in + i] * dy[r * units + u];
                    dxRef[r * in + i] += (double) w[i * units + u] * dy[r * units + u];
                }
            }
        DenseOp op = new DenseOp();
        float[] y = TestData.filled(n * units, Float.NaN);
        op.forward(y, x, w, b, relu, n, in, units);
        if (java.util.Arrays.stream(yRef).allMatch(v -> v == 0)) {
            for (float v : y) org.junit.jupiter.api.Assertions.assertEquals(0f, v, where + ": forward, all ReLU'd to 0");
        } else {
            Close.scaled(where + ": forward", y, yRef);
        }
        float[] dx = TestData.filled(n * in, Float.NaN), dw = new float[in * units], db = withBias ? new float[units] : null;
        op.backward(dx, dw, db, dy, x, w, n, in, units);
        Close.scaled(where + ": dx", dx, dxRef);
        Close.scaled(where + ": dKernel", dw, dwRef);
        if (withBias) Close.scaled(where + ": dBias", db, dbRef);
    }
}

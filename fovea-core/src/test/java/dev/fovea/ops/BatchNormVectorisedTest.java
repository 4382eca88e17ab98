package dev.fovea.ops;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The vectorised channels-last batch normalisation equals the plain loops (the reference) in both modes. */
class BatchNormVectorisedTest {
    private static float[] random(SplittableRandom r, int n, double lo, double hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextDouble(lo, hi);
        return v;
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 2e-5f * Math.max(1f, Math.abs(expected[i])), what + "[" + i + "]");
        }
    }

    @Test
    void equalsTheReferenceForwardAndBackward() {
        // channel counts: whole vectors, one vector and a scalar tail; rows: one part, several parts with short blocks
        for (int c : new int[] {16, 32, 48, 20, 64}) {
            for (int rows : new int[] {3, 1000, 5003}) {
                for (boolean training : new boolean[] {true, false}) {
                    check(c, rows, training, new SplittableRandom(c * 31L + rows));
                }
            }
        }
    }

    private static void check(int c, int rows, boolean training, SplittableRandom r) {
        String where = "c=" + c + " rows=" + rows + (training ? " training" : " inference");
        float[] x = random(r, rows * c, -2, 3), dy = random(r, rows * c, -1, 1);
        for (int i = 0; i < c; i++) x[i] += 5;   // channels whose mean is far from 0 next to others near it
        float[] gamma = random(r, c, 0.5, 1.5), beta = random(r, c, -1, 1);
        float[][] moving = {random(r, c, -1, 1), random(r, c, 0.5, 2)};
        float[][] result = new float[2][];
        float[][] movingAfter = new float[2][], dGamma = new float[2][], dBeta = new float[2][], dx = new float[2][];
        for (int v = 0; v < 2; v++) {
            BatchNormOp op = new BatchNormOp(v == 1);
            float[] mm = moving[0].clone(), mv = moving[1].clone(), y = new float[rows * c];
            op.forward(y, x, gamma, beta, mm, mv, rows, c, 1, 1e-3f, 0.9f, training);
            result[v] = y;
            movingAfter[v] = concat(mm, mv);
            dGamma[v] = new float[c];
            dBeta[v] = new float[c];
            dx[v] = new float[rows * c];
            op.backward(dx[v], dGamma[v], dBeta[v], dy, x, gamma, rows, c, 1);
        }
        assertClose(result[0], result[1], where + " y");
        assertClose(movingAfter[0], movingAfter[1], where + " moving statistics");
        assertClose(dGamma[0], dGamma[1], where + " dGamma");
        assertClose(dBeta[0], dBeta[1], where + " dBeta");
        assertClose(dx[0], dx[1], where + " dx");
    }

    private static float[] concat(float[] a, float[] b) {
        float[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}

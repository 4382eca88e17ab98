package dev.fovea.ops;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The vectorised 2x2 / stride-2 max pool (and its ReLU-masked backward) held exactly equal to plain
 * loops, on ReLU-like inputs full of ties (zeros and a few repeated levels): the first maximum in
 * window order wins, every input cell of dx is written, odd trailing rows and columns get zeros.
 */
class MaxPoolFastVsReferenceTest {
    @Test
    void matchesPlainLoopsOnTiesOddSizesAndChannelTails() {
        SplittableRandom rng = new SplittableRandom(7);
        for (int c : new int[] {1, 3, 16, 32, 37, 64}) {
            for (int[] hw : new int[][] {{2, 2}, {3, 5}, {6, 6}, {13, 13}, {26, 26}, {7, 4}}) {
                for (Padding padding : Padding.values()) {
                    int n = 1 + rng.nextInt(3), h = hw[0], w = hw[1];
                    WindowGeometry g = WindowGeometry.of(h, w, 2, 2, 2, 2, padding, "test");
                    float[] x = new float[n * h * w * c];
                    for (int i = 0; i < x.length; i++) x[i] = Math.max(0, rng.nextInt(5) - 2) * 0.5f;   // ReLU-like, many ties
                    int outSize = n * g.outH() * g.outW() * c;
                    float[] dy = new float[outSize];
                    for (int i = 0; i < outSize; i++) dy[i] = (float) rng.nextDouble() - 0.5f;
                    for (boolean relu : new boolean[] {false, true}) {
                        MaxPool2DOp op = new MaxPool2DOp();
                        float[] out = new float[outSize];
                        op.forward(out, x, n, c, g);
                        float[] outRef = new float[outSize], dxRef = new float[x.length];
                        reference(outRef, dxRef, x, dy, relu, n, h, w, c, g);
                        String where = "c " + c + ", " + h + "x" + w + " " + padding + (relu ? ", ReLU mask" : "");
                        assertArrayEquals(outRef, out, where + ": forward");
                        float[] dx = new float[x.length];
                        java.util.Arrays.fill(dx, Float.NaN);
                        op.backward(dx, dy, n, c, g, relu);
                        assertArrayEquals(dxRef, dx, where + ": dx");
                    }
                }
            }
        }
    }

    /** Plain loops: windows clipped to the input, first strict maximum wins, gradient routed there. */
    private static void reference(float[] out, float[] dx, float[] x, float[] dy, boolean relu,
                                  int n, int h, int w, int c, WindowGeometry g) {
        for (int b = 0; b < n; b++)
            for (int oy = 0; oy < g.outH(); oy++)
                for (int ox = 0; ox < g.outW(); ox++)
                    for (int ch = 0; ch < c; ch++) {
                        int best = -1;
                        for (int iy = g.rowStart(oy); iy < g.rowEnd(oy); iy++)
                            for (int ix = g.colStart(ox); ix < g.colEnd(ox); ix++) {
                                int i = ((b * h + iy) * w + ix) * c + ch;
                                if (best < 0 || x[i] > x[best]) best = i;
                            }
                        int o = ((b * g.outH() + oy) * g.outW() + ox) * c + ch;
                        out[o] = x[best];
                        if (!relu || out[o] > 0) dx[best] += dy[o];
                    }
        assertEquals(out.length, n * g.outH() * g.outW() * c);
    }
}

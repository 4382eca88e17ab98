package dev.fovea.ops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API depthwise kernel (see {@link DepthwiseConv2D}); load only when
 * {@link dev.fovea.tensor.VectorSupport#available()}. Per output row and per vector of channels,
 * the filter taps are loaded once and swept along the row: a 3x3 filter with all three rows
 * inside the image keeps its nine tap vectors in registers (one input load per multiply-add);
 * other shapes read taps from L1. Columns whose window crosses the left or right border, and
 * channels past the last whole vector, take a bounds-checked loop.
 */
final class DepthwiseConv2DVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();

    private DepthwiseConv2DVector() {}

    /** Output rows [from, to) (row = b*OH + oy) of out (N, OH, OW, C). */
    static void rows(float[] out, float[] x, float[] w, float[] bias, int c, Window2D g, int from, int to) {
        int oh = g.outH(), ow = g.outW();
        int cVec = S.loopBound(c);
        int ox0 = DepthwiseConv2D.firstInterior(g), ox1 = DepthwiseConv2D.endInterior(g, ox0);
        boolean square3 = g.kH() == 3 && g.kW() == 3 && g.dilationH() == 1 && g.dilationW() == 1;
        for (int r = from; r < to; r++) {
            int b = r / oh, oy = r % oh;
            int xImg = b * g.inH() * g.inW() * c;
            int iy0 = oy * g.strideH() - g.padTop();
            int ky0 = DepthwiseConv2D.firstTap(iy0, g.dilationH()), ky1 = DepthwiseConv2D.endTap(iy0, g.dilationH(), g.inH(), g.kH());
            int oRow = r * ow * c;
            for (int j = 0; j < cVec; j += V) {
                FloatVector init = bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, j);
                if (square3 && ky0 == 0 && ky1 == 3) {
                    interior3x3(out, oRow, x, xImg + iy0 * g.inW() * c, w, init, c, j, g, ox0, ox1);
                } else {
                    interior(out, oRow, x, xImg, iy0, ky0, ky1, w, init, c, j, g, ox0, ox1);
                }
                for (int ox = 0; ox < ox0; ox++) edge(out, oRow, x, xImg, iy0, ky0, ky1, w, init, c, j, g, ox);
                for (int ox = ox1; ox < ow; ox++) edge(out, oRow, x, xImg, iy0, ky0, ky1, w, init, c, j, g, ox);
            }
            if (cVec < c) tail(out, oRow, x, xImg, iy0, ky0, ky1, w, bias, c, cVec, g);
        }
    }

    /** Columns [ox0, ox1) of a row whose three input rows start at xTop: nine tap vectors held in registers. */
    private static void interior3x3(float[] out, int oRow, float[] x, int xTop, float[] w, FloatVector init, int c, int j,
                                    Window2D g, int ox0, int ox1) {
        int rs = g.inW() * c, step = g.strideW() * c;
        FloatVector w00 = FloatVector.fromArray(S, w, j), w01 = FloatVector.fromArray(S, w, c + j), w02 = FloatVector.fromArray(S, w, 2 * c + j);
        FloatVector w10 = FloatVector.fromArray(S, w, 3 * c + j), w11 = FloatVector.fromArray(S, w, 4 * c + j), w12 = FloatVector.fromArray(S, w, 5 * c + j);
        FloatVector w20 = FloatVector.fromArray(S, w, 6 * c + j), w21 = FloatVector.fromArray(S, w, 7 * c + j), w22 = FloatVector.fromArray(S, w, 8 * c + j);
        int xi = xTop + (ox0 * g.strideW() - g.padLeft()) * c + j;
        int o = oRow + ox0 * c + j;
        for (int ox = ox0; ox < ox1; ox++, xi += step, o += c) {
            FloatVector a = init;
            a = FloatVector.fromArray(S, x, xi).fma(w00, a);
            a = FloatVector.fromArray(S, x, xi + c).fma(w01, a);
            a = FloatVector.fromArray(S, x, xi + 2 * c).fma(w02, a);
            a = FloatVector.fromArray(S, x, xi + rs).fma(w10, a);
            a = FloatVector.fromArray(S, x, xi + rs + c).fma(w11, a);
            a = FloatVector.fromArray(S, x, xi + rs + 2 * c).fma(w12, a);
            a = FloatVector.fromArray(S, x, xi + 2 * rs).fma(w20, a);
            a = FloatVector.fromArray(S, x, xi + 2 * rs + c).fma(w21, a);
            a = FloatVector.fromArray(S, x, xi + 2 * rs + 2 * c).fma(w22, a);
            a.intoArray(out, o);
        }
    }

    /** Columns [ox0, ox1), whose windows lie inside the row span, for any filter: taps ky0..ky1 read from L1. */
    private static void interior(float[] out, int oRow, float[] x, int xImg, int iy0, int ky0, int ky1, float[] w, FloatVector init,
                                 int c, int j, Window2D g, int ox0, int ox1) {
        int kw = g.kW(), dwc = g.dilationW() * c;
        for (int ox = ox0; ox < ox1; ox++) {
            int ix0 = ox * g.strideW() - g.padLeft();
            FloatVector a = init;
            for (int ky = ky0; ky < ky1; ky++) {
                int xi = xImg + ((iy0 + ky * g.dilationH()) * g.inW() + ix0) * c + j, wi = ky * kw * c + j;
                for (int kx = 0; kx < kw; kx++, xi += dwc, wi += c) {
                    a = FloatVector.fromArray(S, x, xi).fma(FloatVector.fromArray(S, w, wi), a);
                }
            }
            a.intoArray(out, oRow + ox * c + j);
        }
    }

    /** One column whose window crosses the left or right border: only taps inside the image. */
    private static void edge(float[] out, int oRow, float[] x, int xImg, int iy0, int ky0, int ky1, float[] w, FloatVector init,
                             int c, int j, Window2D g, int ox) {
        int ix0 = ox * g.strideW() - g.padLeft();
        int kx0 = DepthwiseConv2D.firstTap(ix0, g.dilationW()), kx1 = DepthwiseConv2D.endTap(ix0, g.dilationW(), g.inW(), g.kW());
        FloatVector a = init;
        for (int ky = ky0; ky < ky1; ky++) {
            int xRow = xImg + (iy0 + ky * g.dilationH()) * g.inW() * c;
            for (int kx = kx0; kx < kx1; kx++) {
                int xi = xRow + (ix0 + kx * g.dilationW()) * c + j, wi = (ky * g.kW() + kx) * c + j;
                a = FloatVector.fromArray(S, x, xi).fma(FloatVector.fromArray(S, w, wi), a);
            }
        }
        a.intoArray(out, oRow + ox * c + j);
    }

    /** Channels [c0, C) of the whole row, scalar (fewer than one vector of them). */
    private static void tail(float[] out, int oRow, float[] x, int xImg, int iy0, int ky0, int ky1, float[] w, float[] bias,
                             int c, int c0, Window2D g) {
        for (int ox = 0; ox < g.outW(); ox++) {
            int ix0 = ox * g.strideW() - g.padLeft();
            int kx0 = DepthwiseConv2D.firstTap(ix0, g.dilationW()), kx1 = DepthwiseConv2D.endTap(ix0, g.dilationW(), g.inW(), g.kW());
            for (int ci = c0; ci < c; ci++) {
                float a = bias == null ? 0f : bias[ci];
                for (int ky = ky0; ky < ky1; ky++) {
                    int xRow = xImg + (iy0 + ky * g.dilationH()) * g.inW() * c;
                    for (int kx = kx0; kx < kx1; kx++) {
                        a = Math.fma(x[xRow + (ix0 + kx * g.dilationW()) * c + ci], w[(ky * g.kW() + kx) * c + ci], a);
                    }
                }
                out[oRow + ox * c + ci] = a;
            }
        }
    }
}

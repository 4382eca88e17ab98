package dev.fovea.ops;

import java.util.Arrays;

/**
 * The plain-Java depthwise kernel, for JVMs without the Vector API: per output pixel, the bias
 * row and then KH*KW multiply-adds of whole channel rows, loops the JIT can vectorise itself.
 * See {@link DepthwiseConv2D}.
 */
final class DepthwiseConv2DPlain {
    private DepthwiseConv2DPlain() {}

    /** Output rows [from, to) (row = b*OH + oy) of out (N, OH, OW, C). */
    static void rows(float[] out, float[] x, float[] w, float[] bias, int c, Window2D g, int from, int to) {
        int oh = g.outH(), ow = g.outW();
        for (int r = from; r < to; r++) {
            int b = r / oh, oy = r % oh;
            int xImg = b * g.inH() * g.inW() * c;
            int iy0 = oy * g.strideH() - g.padTop();
            int ky0 = DepthwiseConv2D.firstTap(iy0, g.dilationH()), ky1 = DepthwiseConv2D.endTap(iy0, g.dilationH(), g.inH(), g.kH());
            for (int ox = 0; ox < ow; ox++) {
                int o = (r * ow + ox) * c;
                if (bias == null) Arrays.fill(out, o, o + c, 0f);
                else System.arraycopy(bias, 0, out, o, c);
                int ix0 = ox * g.strideW() - g.padLeft();
                int kx0 = DepthwiseConv2D.firstTap(ix0, g.dilationW()), kx1 = DepthwiseConv2D.endTap(ix0, g.dilationW(), g.inW(), g.kW());
                for (int ky = ky0; ky < ky1; ky++) {
                    int xRow = xImg + (iy0 + ky * g.dilationH()) * g.inW() * c;
                    for (int kx = kx0; kx < kx1; kx++) {
                        int xi = xRow + (ix0 + kx * g.dilationW()) * c, wi = (ky * g.kW() + kx) * c;
                        for (int ci = 0; ci < c; ci++) out[o + ci] += x[xi + ci] * w[wi + ci];
                    }
                }
            }
        }
    }
}

package dev.fovea.ops;

/**
 * Plain-loop grouped, dilated 2-D convolution with explicit padding (cross-correlation, as every
 * framework computes it): NHWC input (N, H, W, C), kernel (KH, KW, C/G, F), output (N, OH, OW, F);
 * group g reads channels [g*C/G, (g+1)*C/G) and writes filters [g*F/G, (g+1)*F/G). Depthwise
 * convolution is the case G = C = F. The oracle that {@link GroupedConv2DOp} and
 * {@link DepthwiseConv2D} are held equal to; sums in double; never on a hot path.
 */
public final class GroupedConv2DReference {
    private GroupedConv2DReference() {}

    /** out (N, OH, OW, F) = x (N, H, W, C) conv kernel (KH, KW, C/G, F) + bias (F, nullable). */
    public static void forward(float[] out, float[] x, float[] kernel, float[] bias, int n, int c, int f, int groups, Window2D g) {
        int cg = c / groups, fg = f / groups;
        for (int b = 0; b < n; b++)
            for (int oy = 0; oy < g.outH(); oy++)
                for (int ox = 0; ox < g.outW(); ox++)
                    for (int o = 0; o < f; o++) {
                        int c0 = (o / fg) * cg;
                        double s = bias == null ? 0 : bias[o];
                        for (int ky = 0; ky < g.kH(); ky++) {
                            int iy = oy * g.strideH() - g.padTop() + ky * g.dilationH();
                            if (iy < 0 || iy >= g.inH()) continue;
                            for (int kx = 0; kx < g.kW(); kx++) {
                                int ix = ox * g.strideW() - g.padLeft() + kx * g.dilationW();
                                if (ix < 0 || ix >= g.inW()) continue;
                                for (int ci = 0; ci < cg; ci++) {
                                    s += (double) x[((b * g.inH() + iy) * g.inW() + ix) * c + c0 + ci]
                                            * kernel[((ky * g.kW() + kx) * cg + ci) * f + o];
                                }
                            }
                        }
                        out[((b * g.outH() + oy) * g.outW() + ox) * f + o] = (float) s;
                    }
    }
}

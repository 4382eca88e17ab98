package dev.fovea.nn;

/**
 * Resamples one image (H, W, C) through an affine map from output to input pixel coordinates:
 * output pixel (ox, oy) reads the input at (sx, sy) = (a00 ox + a01 oy + a02, a10 ox + a11 oy + a12),
 * as Keras's image transform matrices do. Bilinear reads weigh the four pixels around (sx, sy);
 * nearest reads take the closest. Indices outside the image follow the {@link FillMode}.
 *
 * <p>For fixed coefficients the output is linear in the input (plus a constant from
 * {@code fill} in CONSTANT mode), y = A x + b; {@link #transpose} applies Aᵀ, which is the
 * gradient of the input: each output's gradient is added back to the pixels it read, with the
 * weights it read them with.
 */
final class AffineSampler {
    /** Far outside any image but safe to floor and add 1 to in int. */
    private static final double LIMIT = 1 << 24;

    private final int h, w, c;
    private final FillMode mode;
    private final float fill;
    private final boolean nearest;

    AffineSampler(int h, int w, int c, FillMode mode, float fill, boolean nearest) {
        this.h = h;
        this.w = w;
        this.c = c;
        this.mode = mode;
        this.fill = fill;
        this.nearest = nearest;
    }

    boolean fits(int height, int width, int channels) {
        return height == h && width == w && channels == c;
    }

    /** y[yOff..] (H, W, C) = x[xOff..] (H, W, C) read through the map. */
    void sample(float[] x, int xOff, float[] y, int yOff,
                double a00, double a01, double a02, double a10, double a11, double a12) {
        int o = yOff;
        for (int oy = 0; oy < h; oy++) {
            double rowX = a01 * oy + a02, rowY = a11 * oy + a12;
            for (int ox = 0; ox < w; ox++, o += c) {
                double sx = clamp(a00 * ox + rowX), sy = clamp(a10 * ox + rowY);
                if (nearest) {
                    int ix = mode.map((int) Math.floor(sx + 0.5), w), iy = mode.map((int) Math.floor(sy + 0.5), h);
                    if (ix < 0 || iy < 0) {
                        for (int k = 0; k < c; k++) y[o + k] = fill;
                    } else {
                        System.arraycopy(x, xOff + (iy * w + ix) * c, y, o, c);
                    }
                    continue;
                }
                double fx = Math.floor(sx), fy = Math.floor(sy);
                int x0 = (int) fx, y0 = (int) fy;
                float wx = (float) (sx - fx), wy = (float) (sy - fy);
                float w00 = (1 - wx) * (1 - wy), w01 = wx * (1 - wy), w10 = (1 - wx) * wy, w11 = wx * wy;
                if (x0 >= 0 && x0 + 1 < w && y0 >= 0 && y0 + 1 < h) {
                    int p00 = xOff + (y0 * w + x0) * c, p01 = p00 + c, p10 = p00 + w * c, p11 = p10 + c;
                    for (int k = 0; k < c; k++) {
                        y[o + k] = w00 * x[p00 + k] + w01 * x[p01 + k] + w10 * x[p10 + k] + w11 * x[p11 + k];
                    }
                } else {
                    int xa = mode.map(x0, w), xb = mode.map(x0 + 1, w), ya = mode.map(y0, h), yb = mode.map(y0 + 1, h);
                    int p00 = index(xOff, xa, ya), p01 = index(xOff, xb, ya), p10 = index(xOff, xa, yb), p11 = index(xOff, xb, yb);
                    for (int k = 0; k < c; k++) {
                        y[o + k] = w00 * read(x, p00, k) + w01 * read(x, p01, k) + w10 * read(x, p10, k) + w11 * read(x, p11, k);
                    }
                }
            }
        }
    }

    /** dx[dxOff..] (H, W, C) = Aᵀ dy[dyOff..]: overwrites dx's region. */
    void transpose(float[] dy, int dyOff, float[] dx, int dxOff,
                   double a00, double a01, double a02, double a10, double a11, double a12) {
        java.util.Arrays.fill(dx, dxOff, dxOff + h * w * c, 0f);
        int o = dyOff;
        for (int oy = 0; oy < h; oy++) {
            double rowX = a01 * oy + a02, rowY = a11 * oy + a12;
            for (int ox = 0; ox < w; ox++, o += c) {
                double sx = clamp(a00 * ox + rowX), sy = clamp(a10 * ox + rowY);
                if (nearest) {
                    int ix = mode.map((int) Math.floor(sx + 0.5), w), iy = mode.map((int) Math.floor(sy + 0.5), h);
                    if (ix >= 0 && iy >= 0) {
                        int p = dxOff + (iy * w + ix) * c;
                        for (int k = 0; k < c; k++) dx[p + k] += dy[o + k];
                    }
                    continue;
                }
                double fx = Math.floor(sx), fy = Math.floor(sy);
                int x0 = (int) fx, y0 = (int) fy;
                float wx = (float) (sx - fx), wy = (float) (sy - fy);
                float w00 = (1 - wx) * (1 - wy), w01 = wx * (1 - wy), w10 = (1 - wx) * wy, w11 = wx * wy;
                int xa = mode.map(x0, w), xb = mode.map(x0 + 1, w), ya = mode.map(y0, h), yb = mode.map(y0 + 1, h);
                scatter(dy, o, dx, index(dxOff, xa, ya), w00);
                scatter(dy, o, dx, index(dxOff, xb, ya), w01);
                scatter(dy, o, dx, index(dxOff, xa, yb), w10);
                scatter(dy, o, dx, index(dxOff, xb, yb), w11);
            }
        }
    }

    /** Offset of pixel (ix, iy), or -1 when either index is outside (CONSTANT mode). */
    private int index(int off, int ix, int iy) {
        return ix < 0 || iy < 0 ? -1 : off + (iy * w + ix) * c;
    }

    private float read(float[] x, int p, int k) {
        return p < 0 ? fill : x[p + k];
    }

    private void scatter(float[] dy, int o, float[] dx, int p, float weight) {
        if (p < 0 || weight == 0f) return;
        for (int k = 0; k < c; k++) dx[p + k] += weight * dy[o + k];
    }

    private static double clamp(double v) {
        return v > LIMIT ? LIMIT : v < -LIMIT ? -LIMIT : v;   // NaN stays NaN: floor -> (int) 0
    }
}

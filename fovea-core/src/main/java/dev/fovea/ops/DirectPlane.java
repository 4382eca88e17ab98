package dev.fovea.ops;

/**
 * Where the windows of a direct convolution read: a source of (N, hs, ws, cs) floats with no
 * implicit padding (a padded layer's input is first copied into a zero-bordered source), windows
 * of kh x kw taps stepped by (strideH, strideW), giving outH x outW pixels per image. Caches, per
 * output pixel of an image, the offset of its window's first tap, so kernels never divide.
 */
final class DirectPlane {
    final int hs, ws, cs, kh, kw, strideH, strideW, outH, outW;
    /** (outH * outW): offset of pixel (oy, ox)'s window in its image. */
    final int[] pixelBase;

    DirectPlane(int hs, int ws, int cs, int kh, int kw, int strideH, int strideW, int outH, int outW) {
        this.hs = hs; this.ws = ws; this.cs = cs; this.kh = kh; this.kw = kw;
        this.strideH = strideH; this.strideW = strideW; this.outH = outH; this.outW = outW;
        pixelBase = new int[outH * outW];
        for (int oy = 0; oy < outH; oy++) {
            for (int ox = 0; ox < outW; ox++) pixelBase[oy * outW + ox] = (oy * strideH * ws + ox * strideW) * cs;
        }
    }

    boolean sameAs(int hs, int ws, int cs, int kh, int kw, int strideH, int strideW, int outH, int outW) {
        return this.hs == hs && this.ws == ws && this.cs == cs && this.kh == kh && this.kw == kw
                && this.strideH == strideH && this.strideW == strideW && this.outH == outH && this.outW == outW;
    }

    int imageSize() { return hs * ws * cs; }

    /** Floats in one window row: kw taps of cs channels, contiguous in NHWC. */
    int rowTaps() { return kw * cs; }

    /** Distance between window rows. */
    int rowStride() { return ws * cs; }

    int taps() { return kh * kw * cs; }

    /** Offset of tap t = (ky, kx, c) from its window's first tap. */
    int tapOffset(int t) {
        int ky = t / rowTaps();
        return ky * rowStride() + t % rowTaps();
    }
}

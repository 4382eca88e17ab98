package dev.fovea.ops;

import dev.fovea.FoveaException;

/**
 * Where a sliding window (convolution filter or pooling window) lands on an NHWC input:
 * output size and padding per spatial axis. Shared by convolution and pooling so the two agree
 * on "valid" and "same" exactly as TensorFlow does.
 *
 * @param inH      input height
 * @param inW      input width
 * @param kH       window height
 * @param kW       window width
 * @param strideH  vertical step
 * @param strideW  horizontal step
 * @param padTop   rows of implicit padding before the first input row
 * @param padLeft  columns of implicit padding before the first input column
 * @param outH     output height
 * @param outW     output width
 */
public record WindowGeometry(int inH, int inW, int kH, int kW, int strideH, int strideW,
                             int padTop, int padLeft, int outH, int outW) {

    public static WindowGeometry of(int inH, int inW, int kH, int kW, int strideH, int strideW,
                                    Padding padding, String where) {
        if (kH < 1 || kW < 1) throw new FoveaException(where + ": window size must be >= 1, got " + kH + "x" + kW);
        if (strideH < 1 || strideW < 1) {
            throw new FoveaException(where + ": strides must be >= 1, got " + strideH + "x" + strideW);
        }
        int outH, outW, padTop, padLeft;
        if (padding == Padding.SAME) {
            outH = ceilDiv(inH, strideH);
            outW = ceilDiv(inW, strideW);
            padTop = Math.max((outH - 1) * strideH + kH - inH, 0) / 2;
            padLeft = Math.max((outW - 1) * strideW + kW - inW, 0) / 2;
        } else {
            if (kH > inH || kW > inW) {
                throw new FoveaException(where + ": window " + kH + "x" + kW + " is larger than its input "
                        + inH + "x" + inW + " with padding \"valid\" (use a smaller window or padding \"same\")");
            }
            outH = (inH - kH) / strideH + 1;
            outW = (inW - kW) / strideW + 1;
            padTop = 0;
            padLeft = 0;
        }
        if (outH < 1 || outW < 1) {
            throw new FoveaException(where + ": input " + inH + "x" + inW + " is too small for this layer");
        }
        return new WindowGeometry(inH, inW, kH, kW, strideH, strideW, padTop, padLeft, outH, outW);
    }

    /** First input row under output row oy's window, clipped to the input (padding rows skipped). */
    public int rowStart(int oy) { return Math.max(0, oy * strideH - padTop); }

    /** One past the last input row under output row oy's window, clipped to the input. */
    public int rowEnd(int oy) { return Math.min(inH, oy * strideH - padTop + kH); }

    /** First input column under output column ox's window, clipped to the input. */
    public int colStart(int ox) { return Math.max(0, ox * strideW - padLeft); }

    /** One past the last input column under output column ox's window, clipped to the input. */
    public int colEnd(int ox) { return Math.min(inW, ox * strideW - padLeft + kW); }

    private static int ceilDiv(int a, int b) { return (a + b - 1) / b; }
}

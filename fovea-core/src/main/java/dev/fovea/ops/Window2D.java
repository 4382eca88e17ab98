package dev.fovea.ops;

import dev.fovea.FoveaException;

/**
 * Where a sliding window lands on an NHWC input when padding is given explicitly per side (as in
 * ONNX and PyTorch) rather than as Keras's "valid"/"same": window size, stride and dilation per
 * axis, padding before and after, and the output size. Output size follows ONNX Conv/Pool:
 * out = floor((in + before + after - ((k - 1) * d + 1)) / s) + 1, or ceil instead of floor in
 * ceil mode, where (as PyTorch and the ONNX reference) a last window starting beyond the padded
 * input is dropped.
 */
public record Window2D(int inH, int inW, int kH, int kW, int strideH, int strideW, int dilationH, int dilationW,
                       int padTop, int padLeft, int padBottom, int padRight, int outH, int outW) {

    /** where: context for errors, e.g. "layer conv_3 (Conv2D)". */
    public static Window2D of(int inH, int inW, int kH, int kW, int strideH, int strideW, int dilationH, int dilationW,
                              int padTop, int padLeft, int padBottom, int padRight, boolean ceilMode, String where) {
        if (kH < 1 || kW < 1) throw new FoveaException(where + ": window size must be >= 1, got " + kH + "x" + kW);
        if (strideH < 1 || strideW < 1) throw new FoveaException(where + ": strides must be >= 1, got " + strideH + "x" + strideW);
        if (dilationH < 1 || dilationW < 1) throw new FoveaException(where + ": dilations must be >= 1, got " + dilationH + "x" + dilationW);
        if (padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0) {
            throw new FoveaException(where + ": padding must be >= 0, got top " + padTop + ", left " + padLeft
                    + ", bottom " + padBottom + ", right " + padRight);
        }
        int outH = outSize(inH, kH, strideH, dilationH, padTop, padBottom, ceilMode);
        int outW = outSize(inW, kW, strideW, dilationW, padLeft, padRight, ceilMode);
        if (outH < 1 || outW < 1) {
            throw new FoveaException(where + ": input " + inH + "x" + inW + " is smaller than the window "
                    + span(kH, dilationH) + "x" + span(kW, dilationW) + " with this padding");
        }
        return new Window2D(inH, inW, kH, kW, strideH, strideW, dilationH, dilationW, padTop, padLeft, padBottom, padRight, outH, outW);
    }

    /** Extent of a dilated window: (k - 1) * d + 1. */
    public static int span(int k, int d) { return (k - 1) * d + 1; }

    private static int outSize(int in, int k, int s, int d, int before, int after, boolean ceil) {
        long room = (long) in + before + after - span(k, d);
        if (room < 0) return 0;
        long out = (ceil ? (room + s - 1) / s : room / s) + 1;
        // A window that would start past the input and its leading padding holds only trailing padding.
        if (ceil && (out - 1) * s >= (long) in + before) out--;
        if (out > Integer.MAX_VALUE) throw new FoveaException("window output size " + out + " overflows");
        return (int) out;
    }

    /** The same geometry in Conv2DOp's terms (stride and explicit leading padding; no dilation). */
    public WindowGeometry toWindowGeometry() {
        if (dilationH != 1 || dilationW != 1) throw new IllegalStateException("WindowGeometry has no dilation");
        return new WindowGeometry(inH, inW, kH, kW, strideH, strideW, padTop, padLeft, outH, outW);
    }
}

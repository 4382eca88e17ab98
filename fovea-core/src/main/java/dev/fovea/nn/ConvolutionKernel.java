package dev.fovea.nn;

import dev.fovea.ops.Window2D;

/**
 * A layer that slides a convolution kernel over an image: what filter pictures, feature maps,
 * Grad-CAM, FLOP counting and export ask for instead of a concrete layer class. Input
 * (N, H, W, C), kernel (KH, KW, C / groups, filters), output (N, OH, OW, filters).
 */
public interface ConvolutionKernel {
    /** The kernel parameter (KH, KW, C / groups, filters); the layer must be built. */
    Parameter kernel();

    /** The bias (filters), or null when the layer has none. */
    Parameter bias();

    /** Where the window lands: size, stride, dilation, padding per side, output size (built layers). */
    Window2D window();

    int filters();

    /** Channel groups: 1 for an ordinary convolution, C for a depthwise one. */
    int groups();
}

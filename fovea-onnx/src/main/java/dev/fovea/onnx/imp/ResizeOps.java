package dev.fovea.onnx.imp;

import dev.fovea.FoveaException;
import dev.fovea.nn.Resize2D;
import dev.fovea.onnx.Holding;
import dev.fovea.onnx.proto.OnnxProto.NodeProto;

import java.util.Arrays;
import java.util.Map;

/**
 * Resize (opsets 10 to 18) and Upsample (7 to 9) of NCHW images over H and W, as a
 * {@link Resize2D} layer on NHWC. Scales or sizes must be known at import time, which includes
 * sizes a graph computes from Shape (folded). Batch and channel scales must be 1.
 */
final class ResizeOps {
    private ResizeOps() {}

    static void register(Map<String, Converter> ops) {
        ops.put("Resize", ResizeOps::resize);
        ops.put("Upsample", ResizeOps::upsample);
    }

    private static void resize(NodeProto n, Attributes a, Graph g) {
        Value x = g.in(n, 0);
        String mode = a.string("mode", "nearest");
        if (g.opset < 11) {
            // Opset 10: X and scales; positions as Upsample computes them (x / scale, nearest rounding down).
            float[] scales = g.constant(n, 1, "the scales").floats();
            apply(n, g, x, mode, scales, null, null, "asymmetric", "floor");
            return;
        }
        String coordinates = a.string("coordinate_transformation_mode", "half_pixel");
        String rounding = a.string("nearest_mode", "round_prefer_floor");
        if (a.integer("exclude_outside", 0) != 0) throw new FoveaException(g.at(n) + ": exclude_outside is not supported");
        if (a.integer("antialias", 0) != 0) throw new FoveaException(g.at(n) + ": antialias is not supported");
        String policy = a.string("keep_aspect_ratio_policy", "stretch");
        if (!policy.equals("stretch")) throw new FoveaException(g.at(n) + ": keep_aspect_ratio_policy \"" + policy + "\" is not supported; accepted: stretch");
        float[] scales = g.hasInput(n, 2) ? g.constant(n, 2, "the scales").floats() : null;
        long[] sizes = g.hasInput(n, 3) ? g.constant(n, 3, "the sizes").longs(g.at(n)) : null;
        if (scales != null && scales.length == 0) scales = null;   // opset 11-12 graphs pass an empty scales with sizes
        if (sizes != null && sizes.length == 0) sizes = null;
        if ((scales == null) == (sizes == null)) throw new FoveaException(g.at(n) + ": give exactly one of scales and sizes");
        long[] axes = a.ints("axes");
        apply(n, g, x, mode, scales, sizes, axes, coordinates, rounding);
    }

    private static void upsample(NodeProto n, Attributes a, Graph g) {
        Value x = g.in(n, 0);
        float[] scales = g.opset < 9 ? a.floats("scales") : g.constant(n, 1, "the scales").floats();
        if (scales == null) throw new FoveaException(g.at(n) + ": scales are required");
        apply(n, g, x, a.string("mode", "nearest"), scales, null, null, "asymmetric", "floor");
    }

    private static void apply(NodeProto n, Graph g, Value x, String mode, float[] scales, long[] sizes, long[] axes,
                              String coordinates, String rounding) {
        if (x.rank() != 4) throw new FoveaException(g.at(n) + ": only 4-D images (N, C, H, W) are resized, got " + Arrays.toString(x.dims()));
        if (x.isConstant()) throw new FoveaException(g.at(n) + ": resizing a constant is not supported");
        Resize2D.Mode m = switch (mode) {
            case "nearest" -> Resize2D.Mode.NEAREST;
            case "linear", "bilinear" -> Resize2D.Mode.LINEAR;
            default -> throw new FoveaException(g.at(n) + ": mode \"" + mode + "\" is not supported; accepted: nearest, linear");
        };
        Resize2D.Coordinates c = switch (coordinates) {
            case "half_pixel" -> Resize2D.Coordinates.HALF_PIXEL;
            case "pytorch_half_pixel" -> Resize2D.Coordinates.PYTORCH_HALF_PIXEL;
            case "align_corners" -> Resize2D.Coordinates.ALIGN_CORNERS;
            case "asymmetric" -> Resize2D.Coordinates.ASYMMETRIC;
            default -> throw new FoveaException(g.at(n) + ": coordinate_transformation_mode \"" + coordinates
                    + "\" is not supported; accepted: half_pixel, pytorch_half_pixel, align_corners, asymmetric");
        };
        Resize2D.Rounding r = switch (rounding) {
            case "round_prefer_floor" -> Resize2D.Rounding.ROUND_PREFER_FLOOR;
            case "round_prefer_ceil" -> Resize2D.Rounding.ROUND_PREFER_CEIL;
            case "floor" -> Resize2D.Rounding.FLOOR;
            case "ceil" -> Resize2D.Rounding.CEIL;
            default -> throw new FoveaException(g.at(n) + ": nearest_mode \"" + rounding + "\" is not one of round_prefer_floor, round_prefer_ceil, floor, ceil");
        };
        // Scales and sizes per ONNX axis (axes, opset 18, names the axes they are given for).
        int[] order = new int[4];
        int count = scales != null ? scales.length : sizes.length;
        if (axes == null) {
            if (count != 4) throw new FoveaException(g.at(n) + ": " + (scales != null ? "scales" : "sizes") + " need 4 values (N, C, H, W), got " + count);
            for (int i = 0; i < 4; i++) order[i] = i;
        } else {
            if (axes.length != count) throw new FoveaException(g.at(n) + ": " + axes.length + " axes for " + count + " scales or sizes");
            order = new int[count];
            for (int i = 0; i < count; i++) order[i] = ShapeOps.axis(axes[i], 4, n, g);
        }
        double[] scale = {1, 1, 1, 1};
        int[] out = x.dims();
        for (int i = 0; i < count; i++) {
            int ax = order[i];
            if (scales != null) {
                if (!(scales[i] > 0) || Float.isInfinite(scales[i])) throw new FoveaException(g.at(n) + ": scale " + scales[i] + " must be finite and > 0");
                scale[ax] = scales[i];
                out[ax] = (int) Math.floor(x.dim(ax) * (double) scales[i]);
            } else {
                if (sizes[i] < 1 || sizes[i] > 1 << 20) throw new FoveaException(g.at(n) + ": size " + sizes[i] + " is outside 1 to 2^20");
                out[ax] = (int) sizes[i];
                scale[ax] = (double) sizes[i] / x.dim(ax);
            }
        }
        if (out[0] != x.dim(0) || out[1] != x.dim(1)) {
            throw new FoveaException(g.at(n) + ": resizes the batch or channel axis (" + Arrays.toString(x.dims()) + " to " + Arrays.toString(out)
                    + "); Fovea resizes H and W only");
        }
        if (out[2] < 1 || out[3] < 1) throw new FoveaException(g.at(n) + ": the output " + Arrays.toString(out) + " is empty");
        g.reserve((long) out[0] * out[1] * out[2] * out[3] / Math.max(1, out[0]), n);
        Value in = g.toNhwc(x, n);
        Resize2D layer = new Resize2D(new Resize2D.Config(out[2], out[3], scale[2], scale[3], m, c, r));
        g.out(n, 0, Value.dynamic(g.add(layer, in.node()), out, Holding.nhwc()));
    }
}

package dev.fovea.keras.imp;

import dev.fovea.keras.imp.GraphBuilder.Value;
import dev.fovea.nn.Activation;
import dev.fovea.nn.Concatenate;
import dev.fovea.nn.Conv2D;
import dev.fovea.nn.Elementwise;
import dev.fovea.nn.Pad;
import dev.fovea.nn.Reshape;
import dev.fovea.ops.PadOp;
import dev.fovea.nn.WindowPadding;

import java.util.Arrays;
import java.util.Map;

/**
 * UpSampling2D (nearest) and Conv2DTranspose, which fovea-core has no layer for, composed exactly
 * from existing ones. Repeating along an axis is a reshape that opens a new axis of size 1, a
 * concatenation of copies along it, and a reshape that merges it back; a transposed convolution
 * is a plain convolution, with the kernel rotated and its in/out axes swapped, over the input
 * spread out by the stride (zeros between the pixels) and padded by k - 1 on each side, less what
 * 'same' crops.
 */
final class ResamplingLayers {
    private static final int MAX = 1 << 16;

    private ResamplingLayers() {}

    static void register(Map<String, Converter> table) {
        table.put("UpSampling2D", ResamplingLayers::upSampling);
        table.put("Conv2DTranspose", ResamplingLayers::convTranspose);
        table.put("Convolution2DTranspose", ResamplingLayers::convTranspose);
    }

    /** The layer's input held channels-last, which is how Fovea's image layers read it. */
    private static Value image(Call c) {
        Value x = c.channelsFirst() ? c.graph().channelsLast(c.input()) : c.graph().keras(c.input());
        if (x.rank() != 3) throw c.error("needs a (height, width, channels) input, got " + c.input().keras());
        return x;
    }

    private static Value upSampling(Call c) {
        String interpolation = c.string("interpolation", "nearest");
        if (!interpolation.equals("nearest")) {
            throw c.error("interpolates \"" + interpolation + "\"; Fovea imports UpSampling2D with nearest interpolation only");
        }
        int[] size = c.ints("size", 2, new int[] {2, 2}, 1, MAX);
        Value x = image(c);
        Value y = spread(c, x, 1, size[1], false, "cols");
        y = spread(c, y, 0, size[0], false, "rows");
        return new Value(y.node(), y.held(), c.channelsFirst());
    }

    /**
     * Along spatial axis (0 rows, 1 columns) of an (H, W, C) value, each cell followed by
     * factor - 1 copies of itself (repeat) or of zero (zeros): (H, W, C) to (H·f, W, C) or (H, W·f, C).
     */
    private static Value spread(Call c, Value x, int axis, int factor, boolean zeros, String what) {
        if (factor == 1) return x;
        GraphBuilder g = c.graph();
        int[] d = x.held().toArray();
        int[] opened = axis == 0 ? new int[] {d[0], 1, d[1], d[2]} : new int[] {d[0], d[1], 1, d[2]};
        Value column = g.add(new Reshape(opened).named(c.name(what + "_open")), x);
        Value[] parts = new Value[factor];
        parts[0] = column;
        if (zeros) {
            Value zero = Activations.scale(c, column, 0.0, what + "_zeros");
            Arrays.fill(parts, 1, factor, zero);
        } else {
            Arrays.fill(parts, 1, factor, column);
        }
        // Keras axes count the batch: the new axis is 2 when it follows the rows, 3 when it follows the columns.
        Value joined = g.add(new Concatenate(axis == 0 ? 2 : 3).named(c.name(what + "_copies")), parts);
        int[] merged = axis == 0 ? new int[] {d[0] * factor, d[1], d[2]} : new int[] {d[0], d[1] * factor, d[2]};
        return g.add(new Reshape(merged).named(c.name(what)), joined);
    }

    private static Value convTranspose(Call c) {
        int[] k = c.ints("kernel_size", 2, null, 1, MAX), s = c.ints("strides", 2, new int[] {1, 1}, 1, MAX);
        int[] d = c.ints("dilation_rate", 2, new int[] {1, 1}, 1, MAX);
        if (d[0] != 1 || d[1] != 1) throw c.error("has dilation_rate " + Arrays.toString(d) + "; Fovea imports Conv2DTranspose without dilation");
        if (c.config().get("output_padding") != null) throw c.error("sets output_padding, which Fovea does not import");
        int filters = c.integer("filters", -1, 1, MAX);
        if (filters < 0) throw c.error("needs filters");
        String padding = c.string("padding", "valid");
        if (!padding.equals("valid") && !padding.equals("same")) throw c.error("padding must be valid or same, got \"" + padding + "\"");
        boolean bias = c.bool("use_bias", true);
        String act = c.activation("activation");
        Activation fused = Activations.fusable(act);
        if (fused == Activation.SOFTMAX && c.channelsFirst()) fused = null;
        var w = bias ? c.weights("kernel", "bias") : c.weights("kernel");

        GraphBuilder g = c.graph();
        Value x = image(c);
        int in = x.held().dim(2);
        // Spread by the stride: (H, W) -> (H·s, W·s), each pixel followed by s - 1 zeros (the last s - 1 are extra).
        Value spread = spread(c, spread(c, x, 1, s[1], true, "spread_cols"), 0, s[0], true, "spread_rows");
        int[][] pad = new int[3][];
        for (int a = 0; a < 2; a++) {
            int total = padding.equals("same") ? k[a] - s[a] : 0;   // what 'same' crops from the full output
            int before = Math.max(total, 0) / 2, after = total - before;
            pad[a] = new int[] {k[a] - 1 - before, k[a] - 1 - (s[a] - 1) - after};
        }
        pad[2] = new int[] {0, 0};
        Value padded = g.add(new Pad(pad, PadOp.Mode.CONSTANT, 0).named(c.name("pad")), spread);
        Conv2D conv = new Conv2D(new Conv2D.Config(filters, k[0], k[1], 1, 1, 1, 1, 1, WindowPadding.VALID, fused == null ? Activation.LINEAR : fused, bias))
                .named(c.name(""));
        Value y = g.add(conv, padded);
        // Keras's kernel is (kh, kw, filters, in); the convolution needs it rotated 180 degrees as (kh, kw, in, filters).
        int[] kd = w.get(0).dims();
        if (kd.length != 4 || kd[0] != k[0] || kd[1] != k[1] || kd[2] != filters || kd[3] != in) {
            throw c.error("kernel has shape " + Arrays.toString(kd) + "; the layer needs " + Arrays.toString(new int[] {k[0], k[1], filters, in}));
        }
        g.weight(conv, "kernel", rotatedSwapped(w.get(0).data(), k[0], k[1], filters, in), new int[] {k[0], k[1], in, filters},
                c.where() + " kernel");
        if (bias) g.weight(conv, "bias", w.get(1).data(), w.get(1).dims(), c.where() + " bias");
        Value out = new Value(y.node(), y.held(), c.channelsFirst());
        return fused == null ? Activations.apply(c, out, act) : out;
    }

    /** (kh, kw, out, in) to (kh, kw, in, out), rotated by 180 degrees in the spatial axes. */
    private static float[] rotatedSwapped(float[] k, int kh, int kw, int out, int in) {
        float[] r = new float[k.length];
        for (int i = 0; i < kh; i++) {
            for (int j = 0; j < kw; j++) {
                int src = ((kh - 1 - i) * kw + (kw - 1 - j)) * out * in, dst = (i * kw + j) * in * out;
                for (int f = 0; f < out; f++) for (int ch = 0; ch < in; ch++) r[dst + ch * out + f] = k[src + f * in + ch];
            }
        }
        return r;
    }
}

package dev.fovea.keras.imp;

import dev.fovea.keras.imp.GraphBuilder.Value;
import dev.fovea.nn.Activation;
import dev.fovea.nn.AveragePooling2D;
import dev.fovea.nn.Conv2D;
import dev.fovea.nn.Cropping2D;
import dev.fovea.nn.Flatten;
import dev.fovea.nn.GlobalPooling2D;
import dev.fovea.nn.Layer;
import dev.fovea.nn.MaxPool2D;
import dev.fovea.nn.Pooling2D;
import dev.fovea.nn.Reshape;
import dev.fovea.nn.WindowPadding;
import dev.fovea.nn.ZeroPadding2D;

import java.util.Map;

/**
 * Converters of Keras's image and sequence layers: convolutions, pooling, padding, cropping and
 * Flatten. A channels_first layer reads its input held channels-last ({@link GraphBuilder#channelsLast})
 * and marks its output the same way; 1-D layers run as 2-D ones over a (1, length, channels) image.
 */
final class SpatialLayers {
    private static final int MAX = 1 << 16;

    private SpatialLayers() {}

    static void register(Map<String, Converter> table) {
        table.put("Conv2D", c -> conv(c, 2, false));
        table.put("Convolution2D", c -> conv(c, 2, false));
        table.put("Conv1D", c -> conv(c, 1, false));
        table.put("Convolution1D", c -> conv(c, 1, false));
        table.put("DepthwiseConv2D", c -> conv(c, 2, true));
        table.put("SeparableConv2D", SpatialLayers::separable);
        table.put("MaxPooling2D", c -> pool(c, 2, true));
        table.put("MaxPool2D", c -> pool(c, 2, true));
        table.put("AveragePooling2D", c -> pool(c, 2, false));
        table.put("AvgPool2D", c -> pool(c, 2, false));
        table.put("MaxPooling1D", c -> pool(c, 1, true));
        table.put("MaxPool1D", c -> pool(c, 1, true));
        table.put("AveragePooling1D", c -> pool(c, 1, false));
        table.put("AvgPool1D", c -> pool(c, 1, false));
        table.put("GlobalAveragePooling2D", c -> globalPool(c, 2, false));
        table.put("GlobalAvgPool2D", c -> globalPool(c, 2, false));
        table.put("GlobalMaxPooling2D", c -> globalPool(c, 2, true));
        table.put("GlobalMaxPool2D", c -> globalPool(c, 2, true));
        table.put("GlobalAveragePooling1D", c -> globalPool(c, 1, false));
        table.put("GlobalAvgPool1D", c -> globalPool(c, 1, false));
        table.put("GlobalMaxPooling1D", c -> globalPool(c, 1, true));
        table.put("GlobalMaxPool1D", c -> globalPool(c, 1, true));
        table.put("ZeroPadding2D", c -> padOrCrop(c, "padding", 1));
        table.put("Cropping2D", c -> padOrCrop(c, "cropping", -1));
        table.put("Flatten", SpatialLayers::flatten);
    }

    /** The input as Fovea's layers want it: channels-last, and for 1-D layers as a (1, L, C) image. */
    private static Value imageInput(Call c, int dims) {
        GraphBuilder g = c.graph();
        Value x = c.channelsFirst() ? g.channelsLast(c.input()) : g.keras(c.input());
        if (x.rank() != dims + 1) {
            throw c.error("needs a " + (dims == 1 ? "(steps, channels)" : "(height, width, channels)") + " input, got " + c.input().keras());
        }
        if (dims == 1) x = g.add(new Reshape(1, x.held().dim(0), x.held().dim(1)).named(c.name("as_image")), x);
        return x;
    }

    /** A (1, L', C') image back to the layer's (L', C') output; 2-D outputs pass. */
    private static Value imageOutput(Call c, int dims, Value y) {
        if (dims == 2) return new Value(y.node(), y.held(), c.channelsFirst());
        return c.graph().add(new Reshape(y.held().dim(1), y.held().dim(2)).named(c.name("as_sequence")), c.channelsFirst(), y);
    }

    private static Value conv(Call c, int dims, boolean depthwise) {
        Value x = imageInput(c, dims);
        int in = x.held().dim(2);
        int[] k1 = c.ints("kernel_size", dims, null, 1, MAX);
        int[] s1 = c.ints("strides", dims, new int[] {1, 1}, 1, MAX);
        int[] d1 = c.ints("dilation_rate", dims, new int[] {1, 1}, 1, MAX);
        int[] k = dims == 1 ? new int[] {1, k1[0]} : k1, s = dims == 1 ? new int[] {1, s1[0]} : s1, d = dims == 1 ? new int[] {1, d1[0]} : d1;
        int groups = depthwise ? in : c.integer("groups", 1, 1, MAX);
        int filters = depthwise ? in * c.integer("depth_multiplier", 1, 1, MAX) : c.integer("filters", -1, 1, MAX);
        if (filters < 0) throw c.error("needs filters");
        boolean bias = c.bool("use_bias", true);
        String act = c.activation("activation");
        Activation fused = fusedActivation(c, act);
        Layer conv = convLayer(c, x, k, s, d, groups, filters, c.string("padding", "valid"), fused, bias);
        Value y = c.graph().add(conv, x);
        // Keras's kernels are (kh, kw, in/groups, out), Fovea's too; a depthwise kernel (kh, kw, in, multiplier)
        // has the same values in the same order as Fovea's grouped (kh, kw, 1, in * multiplier).
        var w = bias ? c.weights("kernel", "bias") : c.weights("kernel");
        float[] kernel = w.get(0).data();
        if (c.dialect().theano() && !depthwise) kernel = flipSpatial(kernel, k[0], k[1], kernel.length / (k[0] * k[1]));
        c.graph().weight(conv, "kernel", kernel, new int[] {k[0], k[1], in / groups, filters}, c.where() + " kernel " + w.get(0).dimsText());
        if (bias) c.graph().weight(conv, "bias", w.get(1).data(), w.get(1).dims(), c.where() + " bias");
        Value out = imageOutput(c, dims, y);
        return fused == null ? Activations.apply(c, out, act) : out;
    }

    /** The activation the convolution can apply itself; softmax of a channels_first output is over width, not fused. */
    private static Activation fusedActivation(Call c, String act) {
        Activation a = Activations.fusable(act);
        return a == Activation.SOFTMAX && c.channelsFirst() ? null : a;
    }

    private static Layer convLayer(Call c, Value x, int[] k, int[] s, int[] d, int groups, int filters, String paddingName,
                                   Activation act, boolean bias) {
        Activation a = act == null ? Activation.LINEAR : act;
        int h = x.held().dim(0), w = x.held().dim(1);
        int[][] pad = switch (paddingName) {
            case "valid" -> new int[][] {{0, 0}, {0, 0}};
            case "same" -> new int[][] {same(h, k[0], s[0], d[0]), same(w, k[1], s[1], d[1])};
            // Causal (Conv1D): all the padding before the sequence, so no output sees a later step.
            case "causal" -> new int[][] {{0, 0}, {(k[1] - 1) * d[1], 0}};
            default -> throw c.error("padding must be valid, same or causal, got \"" + paddingName + "\"");
        };
        if (groups == 1 && d[0] == 1 && d[1] == 1 && !paddingName.equals("causal")) {
            return new Conv2D(new Conv2D.Config(filters, k[0], k[1], s[0], s[1], 1, 1, 1, WindowPadding.parse(paddingName, c.where()), a, bias)).named(c.name(""));
        }
        return new Conv2D(new Conv2D.Config(filters, k[0], k[1], s[0], s[1], d[0], d[1], groups, explicit(pad), a, bias)).named(c.name(""));
    }

    /** {{top, bottom}, {left, right}} as the layers' explicit padding. */
    private static WindowPadding explicit(int[][] pad) {
        return WindowPadding.explicit(pad[0][0], pad[1][0], pad[0][1], pad[1][1]);
    }

    /** TensorFlow's 'same' padding of one axis: output ceil(in / stride), the odd cell after. */
    static int[] same(int in, int k, int stride, int dilation) {
        int out = (in + stride - 1) / stride;
        int total = Math.max((out - 1) * stride + (k - 1) * dilation + 1 - in, 0);
        return new int[] {total / 2, total - total / 2};
    }

    /** A (kh, kw, rest) kernel rotated by 180 degrees in its spatial axes, as Keras 2 loads Theano kernels. */
    private static float[] flipSpatial(float[] k, int kh, int kw, int rest) {
        float[] out = new float[k.length];
        for (int i = 0; i < kh; i++) {
            for (int j = 0; j < kw; j++) {
                System.arraycopy(k, ((kh - 1 - i) * kw + (kw - 1 - j)) * rest, out, (i * kw + j) * rest, rest);
            }
        }
        return out;
    }

    /** A depthwise convolution (no bias) then a 1x1 convolution with the bias and activation. */
    private static Value separable(Call c) {
        Value x = imageInput(c, 2);
        int in = x.held().dim(2);
        int[] k = c.ints("kernel_size", 2, null, 1, MAX), s = c.ints("strides", 2, new int[] {1, 1}, 1, MAX);
        int[] d = c.ints("dilation_rate", 2, new int[] {1, 1}, 1, MAX);
        int mult = c.integer("depth_multiplier", 1, 1, MAX), filters = c.integer("filters", -1, 1, MAX);
        if (filters < 0) throw c.error("needs filters");
        boolean bias = c.bool("use_bias", true);
        String act = c.activation("activation");
        Activation fused = fusedActivation(c, act);
        var w = bias ? c.weights("depthwise_kernel", "pointwise_kernel", "bias") : c.weights("depthwise_kernel", "pointwise_kernel");
        GraphBuilder g = c.graph();
        String padding = c.string("padding", "valid");
        int h = x.held().dim(0), wd = x.held().dim(1);
        int[][] pad = padding.equals("same") ? new int[][] {same(h, k[0], s[0], d[0]), same(wd, k[1], s[1], d[1])}
                : padding.equals("valid") ? new int[][] {{0, 0}, {0, 0}} : null;
        if (pad == null) throw c.error("padding must be valid or same, got \"" + padding + "\"");
        Conv2D depth = new Conv2D(new Conv2D.Config(in * mult, k[0], k[1], s[0], s[1], d[0], d[1], in, explicit(pad),
                Activation.LINEAR, false)).named(c.name("depthwise"));
        Value mid = g.add(depth, x);
        g.weight(depth, "kernel", w.get(0).data(), new int[] {k[0], k[1], 1, in * mult}, c.where() + " depthwise_kernel " + w.get(0).dimsText());
        Conv2D point = new Conv2D(new Conv2D.Config(filters, 1, 1, 1, 1, 1, 1, 1, WindowPadding.VALID, fused == null ? Activation.LINEAR : fused, bias))
                .named(c.name(""));
        Value y = g.add(point, mid);
        g.weight(point, "kernel", w.get(1).data(), w.get(1).dims(), c.where() + " pointwise_kernel");
        if (bias) g.weight(point, "bias", w.get(2).data(), w.get(2).dims(), c.where() + " bias");
        Value out = new Value(y.node(), y.held(), c.channelsFirst());
        return fused == null ? Activations.apply(c, out, act) : out;
    }

    private static Value pool(Call c, int dims, boolean max) {
        Value x = imageInput(c, dims);
        int[] p1 = c.ints("pool_size", dims, dims == 1 ? new int[] {2} : new int[] {2, 2}, 1, MAX);
        Object strides = c.config().get("strides");
        int[] s1 = strides == null ? p1 : c.ints("strides", dims, p1, 1, MAX);
        int[] p = dims == 1 ? new int[] {1, p1[0]} : p1, s = dims == 1 ? new int[] {1, s1[0]} : s1;
        Pooling2D.Config cfg = new Pooling2D.Config(p[0], p[1], s[0], s[1], WindowPadding.parse(c.string("padding", "valid"), c.where()));
        Layer l = (max ? new MaxPool2D(cfg) : new AveragePooling2D(cfg)).named(c.name(""));
        return imageOutput(c, dims, c.graph().add(l, x));
    }

    private static Value globalPool(Call c, int dims, boolean max) {
        Value x = imageInput(c, dims);
        boolean keep = c.bool("keepdims", false);
        Value y = c.graph().add(new GlobalPooling2D(max, keep).named(c.name("")), x);
        if (!keep) return y;   // (C): the same in every layout
        if (dims == 1) return c.graph().add(new Reshape(1, y.held().dim(2)).named(c.name("as_sequence")), c.channelsFirst(), y);
        return new Value(y.node(), y.held(), c.channelsFirst());
    }

    /** ZeroPadding2D (sign 1) or Cropping2D (sign -1): padding 1, [a, b] or [[top, bottom], [left, right]]. */
    private static Value padOrCrop(Call c, String key, int sign) {
        Value x = imageInput(c, 2);
        int[][] p;
        Object v = c.config().get(key);
        if (v instanceof Long) {
            int a = c.integer(key, 0, 0, MAX);
            p = new int[][] {{a, a}, {a, a}};
        } else if (v instanceof java.util.List<?> l && l.size() == 2 && l.get(0) instanceof Long) {
            int[] a = c.ints(key, 2, null, 0, MAX);
            p = new int[][] {{a[0], a[0]}, {a[1], a[1]}};
        } else {
            var arr = c.config().requireArray(key);
            if (arr.size() != 2) throw c.error(key + " must be [[top, bottom], [left, right]]");
            p = new int[][] {arr.array(0).ints(0, MAX), arr.array(1).ints(0, MAX)};
            if (p[0].length != 2 || p[1].length != 2) throw c.error(key + " must be [[top, bottom], [left, right]]");
        }
        Layer l;
        if (sign > 0) {
            l = new ZeroPadding2D(p).named(c.name(""));
        } else {
            if (p[0][0] + p[0][1] >= x.held().dim(0) || p[1][0] + p[1][1] >= x.held().dim(1)) {
                throw c.error("crops " + java.util.Arrays.deepToString(p) + " from " + c.input().keras() + ", which leaves nothing");
            }
            l = new Cropping2D(p).named(c.name(""));
        }
        return imageOutput(c, 2, c.graph().add(l, x));
    }

    /**
     * Flatten in Keras's order: row-major over the tensor as Keras holds it, except that
     * channels_first first moves the channels last, which is how Fovea holds such a tensor.
     */
    private static Value flatten(Call c) {
        GraphBuilder g = c.graph();
        Value x = c.input();
        if (c.channelsFirst() && x.rank() >= 2) x = g.channelsLast(x);
        else x = g.keras(x);
        return g.add(new Flatten().named(c.name("")), x);
    }
}

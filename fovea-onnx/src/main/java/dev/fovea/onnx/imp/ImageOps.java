package dev.fovea.onnx.imp;

import dev.fovea.FoveaException;
import dev.fovea.nn.Activation;
import dev.fovea.nn.AveragePooling2D;
import dev.fovea.nn.BatchNormalization;
import dev.fovea.nn.Conv2D;
import dev.fovea.nn.GlobalPooling2D;
import dev.fovea.nn.Layer;
import dev.fovea.nn.LocalResponseNormalization;
import dev.fovea.nn.MaxPool2D;
import dev.fovea.nn.Pooling2D;
import dev.fovea.nn.WindowPadding;
import dev.fovea.onnx.Holding;
import dev.fovea.onnx.OnnxTensor;
import dev.fovea.onnx.proto.OnnxProto.NodeProto;
import dev.fovea.ops.PermuteOp;
import dev.fovea.ops.Window2D;

import java.util.Arrays;
import java.util.Map;

/**
 * Image ops on NCHW values, run by Fovea on NHWC: Conv, MaxPool, AveragePool, GlobalAveragePool,
 * GlobalMaxPool, BatchNormalization (inference) and LRN. Where ONNX's explicit padding equals
 * Keras's "valid" or "same", the layers (Conv2D, MaxPooling2D, AveragePooling2D) say so, as Keras
 * would write them; otherwise they carry the explicit padding. Kernels go from OIHW to HWIO.
 */
final class ImageOps {
    private ImageOps() {}

    static void register(Map<String, Converter> ops) {
        ops.put("Conv", ImageOps::conv);
        ops.put("MaxPool", (n, a, g) -> pool(n, a, g, true));
        ops.put("AveragePool", (n, a, g) -> pool(n, a, g, false));
        ops.put("GlobalAveragePool", (n, a, g) -> global(n, g, false));
        ops.put("GlobalMaxPool", (n, a, g) -> global(n, g, true));
        ops.put("BatchNormalization", ImageOps::batchNorm);
        ops.put("LRN", ImageOps::lrn);
    }

    /** Explicit padding {top, left, bottom, right} from pads or auto_pad, for a 2-D window. */
    static int[] pads(NodeProto n, Attributes a, Graph g, int inH, int inW, int[] k, int[] s, int[] d) {
        String auto = a.string("auto_pad", "NOTSET");
        switch (auto) {
            case "NOTSET" -> {
                int[] p = a.smallInts("pads", new int[4], 0, 1 << 20);
                if (p.length != 4) throw new FoveaException(g.at(n) + ": pads must have 4 entries for a 2-D window, got " + p.length);
                return p;
            }
            case "VALID" -> {
                return new int[4];
            }
            case "SAME_UPPER", "SAME_LOWER" -> {
                int[] p = new int[4];
                int[] in = {inH, inW};
                for (int i = 0; i < 2; i++) {
                    int out = (in[i] + s[i] - 1) / s[i];
                    int total = Math.max(0, (out - 1) * s[i] + Window2D.span(k[i], d[i]) - in[i]);
                    int small = total / 2, large = total - small;
                    p[i] = auto.equals("SAME_UPPER") ? small : large;
                    p[i + 2] = auto.equals("SAME_UPPER") ? large : small;
                }
                return p;
            }
            default -> throw new FoveaException(g.at(n) + ": auto_pad \"" + auto + "\" is not supported; accepted: NOTSET, VALID, SAME_UPPER, SAME_LOWER");
        }
    }

    static int[] pair(Attributes a, String name, int fallback, NodeProto n, Graph g) {
        int[] v = a.smallInts(name, new int[] {fallback, fallback}, 1, 1 << 20);
        if (v.length != 2) throw new FoveaException(g.at(n) + ": " + name + " must have 2 entries for a 2-D window, got " + v.length);
        return v;
    }

    /** Keras's padding for a window whose explicit pads p are exactly "valid" or "same", else null. */
    static WindowPadding kerasPadding(int[] p, int inH, int inW, int[] k, int[] s) {
        if (p[0] == 0 && p[1] == 0 && p[2] == 0 && p[3] == 0) return WindowPadding.VALID;
        int[] in = {inH, inW};
        for (int i = 0; i < 2; i++) {
            int out = (in[i] + s[i] - 1) / s[i];
            int total = Math.max(0, (out - 1) * s[i] + k[i] - in[i]);
            if (p[i] != total / 2 || p[i + 2] != total - total / 2) return null;
        }
        return WindowPadding.SAME;
    }

    private static void conv(NodeProto n, Attributes a, Graph g) {
        Value x = g.in(n, 0);
        OnnxTensor w = g.constant(n, 1, "the weights W");
        if (x.rank() != 4 || w.rank() != 4) {
            throw new FoveaException(g.at(n) + ": only 2-D convolution is supported (input N, C, H, W and weights M, C/group, kH, kW), got "
                    + Arrays.toString(x.dims()) + " and " + Arrays.toString(w.dims()));
        }
        if (x.isConstant()) throw new FoveaException(g.at(n) + ": convolution of a constant input is not supported");
        int groups = a.smallInt("group", 1, 1, 1 << 20);
        int filters = w.dim(0), cg = w.dim(1), c = x.dim(1);
        if (cg * groups != c || filters % groups != 0) {
            throw new FoveaException(g.at(n) + ": weights " + Arrays.toString(w.dims()) + " with group " + groups + " do not fit "
                    + c + " input channels");
        }
        int[] k = {w.dim(2), w.dim(3)};
        int[] declared = a.smallInts("kernel_shape", k, 1, 1 << 20);
        if (!Arrays.equals(declared, k)) throw new FoveaException(g.at(n) + ": kernel_shape " + Arrays.toString(declared) + " differs from the weights " + Arrays.toString(k));
        int[] s = pair(a, "strides", 1, n, g), d = pair(a, "dilations", 1, n, g);
        int inH = x.dim(2), inW = x.dim(3);
        int[] p = pads(n, a, g, inH, inW, k, s, d);
        OnnxTensor bias = g.hasInput(n, 2) ? g.constant(n, 2, "the bias B") : null;
        if (bias != null && bias.size() != filters) throw new FoveaException(g.at(n) + ": bias has " + bias.size() + " values for " + filters + " filters");
        NodeProto next = g.soleConsumer(n, MathOps.FUSABLE);
        Activation act = MathOps.activationOf(next);
        Window2D win = Window2D.of(inH, inW, k[0], k[1], s[0], s[1], d[0], d[1], p[0], p[1], p[2], p[3], false, g.at(n));
        WindowPadding keras = groups == 1 && d[0] == 1 && d[1] == 1 ? kerasPadding(p, inH, inW, k, s) : null;
        Layer layer = new Conv2D(new Conv2D.Config(filters, k[0], k[1], s[0], s[1], d[0], d[1], groups,
                keras != null ? keras : WindowPadding.explicit(p[0], p[1], p[2], p[3]), act, bias != null));
        g.weight(layer, "kernel", w.size(), dest -> new PermuteOp(w.dims(), new int[] {2, 3, 1, 0}).forward(dest, w.floatsCopy()));
        if (bias != null) g.weight(layer, "bias", bias);
        Value in = g.toNhwc(x, n);
        Value out = Value.dynamic(g.add(layer, in.node()), new int[] {x.dim(0), filters, win.outH(), win.outW()}, Holding.nhwc());
        g.out(n, 0, out);
        if (next != null) {
            g.absorb(next);
            g.out(next, 0, out);
        }
    }

    private static void pool(NodeProto n, Attributes a, Graph g, boolean max) {
        g.onlyFirstOutput(n);
        Value x = g.in(n, 0);
        if (x.rank() != 4) throw new FoveaException(g.at(n) + ": only 2-D pooling is supported (input N, C, H, W), got " + Arrays.toString(x.dims()));
        if (x.isConstant()) throw new FoveaException(g.at(n) + ": pooling a constant input is not supported");
        int[] k = a.smallInts("kernel_shape", null, 1, 1 << 20);
        if (k == null || k.length != 2) throw new FoveaException(g.at(n) + ": kernel_shape with 2 entries is required");
        int[] s = pair(a, "strides", 1, n, g), d = pair(a, "dilations", 1, n, g);
        boolean ceil = a.integer("ceil_mode", 0) != 0;
        boolean include = !max && a.integer("count_include_pad", 0) != 0;
        int inH = x.dim(2), inW = x.dim(3);
        int[] p = pads(n, a, g, inH, inW, k, s, d);
        Window2D win = Window2D.of(inH, inW, k[0], k[1], s[0], s[1], d[0], d[1], p[0], p[1], p[2], p[3], ceil, g.at(n));
        Window2D floor = Window2D.of(inH, inW, k[0], k[1], s[0], s[1], d[0], d[1], p[0], p[1], p[2], p[3], false, g.at(n));
        boolean plain = d[0] == 1 && d[1] == 1 && win.outH() == floor.outH() && win.outW() == floor.outW()
                && p[0] == 0 && p[1] == 0 && p[2] == 0 && p[3] == 0;
        Pooling2D.Config cfg = plain ? new Pooling2D.Config(k[0], k[1], s[0], s[1], WindowPadding.VALID)
                : new Pooling2D.Config(k[0], k[1], s[0], s[1], d[0], d[1], WindowPadding.explicit(p[0], p[1], p[2], p[3]), ceil, include);
        Layer layer = max ? new MaxPool2D(cfg) : new AveragePooling2D(cfg);
        Value in = g.toNhwc(x, n);
        g.out(n, 0, Value.dynamic(g.add(layer, in.node()), new int[] {x.dim(0), x.dim(1), win.outH(), win.outW()}, Holding.nhwc()));
    }

    private static void global(NodeProto n, Graph g, boolean max) {
        Value x = g.in(n, 0);
        if (x.rank() != 4) throw new FoveaException(g.at(n) + ": only 2-D global pooling is supported (input N, C, H, W), got " + Arrays.toString(x.dims()));
        if (x.isConstant()) throw new FoveaException(g.at(n) + ": pooling a constant input is not supported");
        Value in = g.toNhwc(x, n);
        g.out(n, 0, Value.dynamic(g.add(new GlobalPooling2D(max, true), in.node()), new int[] {x.dim(0), x.dim(1), 1, 1}, Holding.nhwc()));
    }

    private static void batchNorm(NodeProto n, Attributes a, Graph g) {
        g.onlyFirstOutput(n);
        Value x = g.in(n, 0);
        if (a.integer("training_mode", 0) != 0) throw new FoveaException(g.at(n) + ": training_mode is on; import models exported for inference");
        if (g.opset < 9 && a.integer("spatial", 1) == 0) throw new FoveaException(g.at(n) + ": spatial=0 (statistics per element) is not supported");
        if (x.rank() < 2) throw new FoveaException(g.at(n) + ": needs an input (N, C, ...), got " + Arrays.toString(x.dims()));
        if (x.isConstant()) throw new FoveaException(g.at(n) + ": normalising a constant input is not supported");
        int c = x.dim(1);
        String[] names = {"scale", "B", "mean", "var"};
        float[][] p = new float[4][];
        for (int i = 0; i < 4; i++) {
            OnnxTensor t = g.constant(n, i + 1, "the " + names[i]);
            if (t.size() != c) throw new FoveaException(g.at(n) + ": " + names[i] + " has " + t.size() + " values for " + c + " channels");
            p[i] = t.floats();   // small (one value per channel)
        }
        float epsilon = a.number("epsilon", 1e-5f), momentum = a.number("momentum", 0.9f);
        Value in = x.rank() == 4 ? g.toNhwc(x, n) : x;
        int axis = in.holding().axisOf(1);
        if (axis < 0) throw new IllegalStateException("channel axis held as batch");
        BatchNormalization bn = new BatchNormalization(new BatchNormalization.Config(axis + 1, momentum, epsilon, true, true));
        g.weight(bn, "gamma", p[0]);
        g.weight(bn, "beta", p[1]);
        g.weight(bn, "moving_mean", p[2]);
        g.weight(bn, "moving_variance", p[3]);
        g.out(n, 0, Value.dynamic(g.add(bn, in.node()), x.dims(), in.holding()));
    }

    private static void lrn(NodeProto n, Attributes a, Graph g) {
        Value x = g.in(n, 0);
        if (x.rank() != 4) throw new FoveaException(g.at(n) + ": only 4-D input (N, C, H, W) is supported, got " + Arrays.toString(x.dims()));
        if (x.isConstant()) throw new FoveaException(g.at(n) + ": normalising a constant input is not supported");
        if (!a.has("size")) throw new FoveaException(g.at(n) + ": attribute size is required");
        int size = a.smallInt("size", 1, 1, 1 << 16);
        Value in = g.toNhwc(x, n);
        Layer lrn = new LocalResponseNormalization(size, a.number("alpha", 1e-4f), a.number("beta", 0.75f), a.number("bias", 1f));
        g.out(n, 0, Value.dynamic(g.add(lrn, in.node()), x.dims(), in.holding()));
    }
}

package dev.fovea.onnx.exp;

import dev.fovea.FoveaException;
import dev.fovea.io.AtomicFiles;
import dev.fovea.nn.Activation;
import dev.fovea.nn.ActivationLayer;
import dev.fovea.nn.Add;
import dev.fovea.nn.AveragePooling2D;
import dev.fovea.nn.AxisSoftmax;
import dev.fovea.nn.BatchNormalization;
import dev.fovea.nn.Concatenate;
import dev.fovea.nn.ConstantLayer;
import dev.fovea.nn.ConvolutionKernel;
import dev.fovea.nn.Dense;
import dev.fovea.nn.Dropout;
import dev.fovea.nn.Elementwise;
import dev.fovea.nn.Flatten;
import dev.fovea.nn.GlobalPooling2D;
import dev.fovea.nn.ImageTransformLayer;
import dev.fovea.nn.Normalization;
import dev.fovea.nn.Rescaling;
import dev.fovea.nn.Layer;
import dev.fovea.nn.LocalResponseNormalization;
import dev.fovea.nn.MatMul;
import dev.fovea.nn.MaxPool2D;
import dev.fovea.model.Model;
import dev.fovea.nn.PReLU;
import dev.fovea.nn.Pad;
import dev.fovea.nn.Parameter;
import dev.fovea.nn.Permute;
import dev.fovea.nn.PiecewiseActivation;
import dev.fovea.nn.Pooling2D;
import dev.fovea.nn.Reshape;
import dev.fovea.nn.ZeroPadding2D;
import dev.fovea.onnx.proto.OnnxProto.ModelProto;
import dev.fovea.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.fovea.onnx.proto.OnnxProto.StringStringEntryProto;
import dev.fovea.onnx.proto.OnnxProto.TensorProto;
import dev.fovea.onnx.proto.OnnxProto.TensorShapeProto;
import dev.fovea.onnx.proto.OnnxProto.TypeProto;
import dev.fovea.onnx.proto.OnnxProto.ValueInfoProto;
import dev.fovea.ops.PadOp;
import dev.fovea.ops.Window2D;
import dev.fovea.tensor.Shape;

import java.io.IOException;
import java.nio.file.Path;

import static dev.fovea.onnx.exp.ExportGraph.integer;
import static dev.fovea.onnx.exp.ExportGraph.ints;
import static dev.fovea.onnx.exp.ExportGraph.number;
import static dev.fovea.onnx.exp.ExportGraph.string;

/**
 * Writes a built Fovea model as ONNX (opset {@value #OPSET}). An image input (H, W, C) becomes
 * an NCHW graph input (N, C, H, W), as ONNX runtimes expect; convolution and pooling run on NCHW,
 * and the exporter transposes back to Fovea's layout only where an op depends on it (Flatten,
 * Dense, softmax over the last axis, ...), so a plain CNN has no transposes at all. Weights are
 * initializers in ONNX's layouts (conv kernels OIHW). A 4-D output is NCHW; others are as in
 * Fovea. The batch axis is the symbolic dimension "N".
 */
public final class OnnxExporter {
    public static final int OPSET = 13;
    static final int[] TO_NCHW = {0, 3, 1, 2}, TO_NHWC = {0, 2, 3, 1};

    /** An exported value: its name, whether it is a rank-4 image held NCHW, and its rank with the batch axis. */
    private record Out(String name, boolean nchw, int rank) {}

    private final ExportGraph g = new ExportGraph();
    private final Model model;
    private Out input;

    private OnnxExporter(Model model) {
        this.model = model;
    }

    public static ModelProto export(Model model) {
        if (!model.isBuilt()) throw new FoveaException("cannot export model " + model.name() + ": it is not built");
        return new OnnxExporter(model).run();
    }

    /** Exports to a file, atomically (the old file stays whole if anything fails). */
    public static void write(Model model, Path file) {
        ModelProto proto = export(model);
        try {
            AtomicFiles.write(file, proto::writeTo);
        } catch (IOException e) {
            throw new FoveaException(file + ": cannot write (" + e.getMessage() + ")");
        }
    }

    private ModelProto run() {
        Shape in = model.inputShape();
        boolean image = in.rank() == 3;
        int[] inDims = image ? new int[] {in.dim(2), in.dim(0), in.dim(1)} : in.toArray();
        g.graph.addInput(valueInfo(g.name("input"), inDims));
        g.name("output");   // reserved for the graph output
        input = new Out("input", image, in.rank() + 1);
        var nodes = model.nodes();
        Out[] outs = new Out[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            int[] ins = nodes.get(i).inputs();
            Out[] args = new Out[ins.length];
            for (int j = 0; j < ins.length; j++) args[j] = ins[j] == Model.MODEL_INPUT ? input : outs[ins[j]];
            outs[i] = layer(nodes.get(i).layer(), args);
        }
        Out last = outs[outs.length - 1];
        Shape out = model.outputShape();
        int[] outDims = out.toArray();
        if (out.rank() == 3) {
            last = nchw(last, "output");
            outDims = new int[] {out.dim(2), out.dim(0), out.dim(1)};
        } else {
            last = nat(last, "output");
        }
        g.node("Identity", "output", new String[] {last.name()});
        g.graph.getNodeBuilderList().getLast().setOutput(0, "output");
        g.graph.addOutput(valueInfo("output", outDims));
        g.graph.setName(model.name()).setDocString("Exported by Fovea. Input: " + (image ? "NCHW images (N, C, H, W), values as the model was trained on"
                : "(N, ...) as Fovea") + ". Output: " + (out.rank() == 3 ? "NCHW" : "as Fovea") + ".");
        ModelProto.Builder m = ModelProto.newBuilder().setIrVersion(8).setProducerName("fovea").setProducerVersion("0.1")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET)).setGraph(g.graph);
        if (!model.classNames().isEmpty()) {
            m.addMetadataProps(StringStringEntryProto.newBuilder().setKey("class_names").setValue(String.join("\n", model.classNames())));
        }
        return m.build();
    }

    private static ValueInfoProto valueInfo(String name, int[] perExample) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
        for (int d : perExample) s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(s))).build();
    }

    // ---- layouts ----

    private Out nchw(Out v, String at) {
        if (v.nchw || v.rank != 4) return v;
        return new Out(g.node("Transpose", at, new String[] {v.name}, ints("perm", TO_NCHW)), true, 4);
    }

    private Out nat(Out v, String at) {
        if (!v.nchw) return v;
        return new Out(g.node("Transpose", at, new String[] {v.name}, ints("perm", TO_NHWC)), false, 4);
    }

    private Out like(Out v, boolean nchw, String at) {
        return nchw ? nchw(v, at) : nat(v, at);
    }

    /** The per-example Fovea axis a (0-based, batch excluded) as an axis of v's ONNX tensor. */
    private static int onnxAxis(Out v, int a) {
        if (!v.nchw) return a + 1;
        return switch (a) {
            case 0 -> 2;
            case 1 -> 3;
            default -> 1;
        };
    }

    private static float[] param(Layer l, String shortName) {
        for (Parameter p : l.parameters()) if (p.name().equals(l.name() + "/" + shortName)) return p.value().data();
        return null;
    }

    private static Shape paramShape(Layer l, String shortName) {
        for (Parameter p : l.parameters()) if (p.name().equals(l.name() + "/" + shortName)) return p.value().shape();
        return null;
    }

    // ---- layers ----

    private Out layer(Layer l, Out[] in) {
        String at = l.name();
        Out x = in[0];
        if (l instanceof ConvolutionKernel c) return activation(conv(l, c, nchw(x, at)), l.activation(), at);
        return switch (l) {
            case Pooling2D p -> {
                Pooling2D.Config k = p.settings();
                Window2D w = p.window();
                boolean max = p instanceof MaxPool2D;
                if (!max && !(p instanceof AveragePooling2D)) throw unsupported(l);
                var attrs = new java.util.ArrayList<>(java.util.List.of(ints("kernel_shape", k.poolH(), k.poolW()),
                        ints("strides", k.strideH(), k.strideW()), ints("pads", w.padTop(), w.padLeft(), w.padBottom(), w.padRight())));
                if (k.ceilMode()) attrs.add(integer("ceil_mode", 1));
                if (k.dilationH() != 1 || k.dilationW() != 1) {
                    if (!max) throw new FoveaException("layer " + at + ": dilated average pooling needs ONNX opset 19; Fovea exports opset " + OPSET);
                    attrs.add(ints("dilations", k.dilationH(), k.dilationW()));
                }
                if (k.countIncludePad()) attrs.add(integer("count_include_pad", 1));
                yield new Out(g.node(max ? "MaxPool" : "AveragePool", at, new String[] {nchw(x, at).name},
                        attrs.toArray(new dev.fovea.onnx.proto.OnnxProto.AttributeProto[0])), true, 4);
            }
            case GlobalPooling2D p -> {
                Out o = new Out(g.node(p.isMax() ? "GlobalMaxPool" : "GlobalAveragePool", at, new String[] {nchw(x, at).name}), true, 4);
                yield p.keepDims() ? o : new Out(g.node("Flatten", at, new String[] {o.name}, integer("axis", 1)), false, 2);
            }
            case BatchNormalization b -> batchNorm(b, x, at);
            case LocalResponseNormalization n -> {
                if (x.rank != 4) throw new FoveaException("layer " + at + ": LRN exports for (N, H, W, C) input only");
                yield new Out(g.node("LRN", at, new String[] {nchw(x, at).name}, integer("size", n.size()), number("alpha", n.alpha()),
                        number("beta", n.beta()), number("bias", n.bias())), true, 4);
            }
            case Dense d -> {
                Out a = nat(x, at);
                String k = g.floats(at + "/kernel", paramShape(d, "kernel").toArray(), param(d, "kernel"));
                float[] bias = param(d, "bias");
                String y = bias == null ? g.node("MatMul", at, new String[] {a.name, k})
                        : g.node("Gemm", at, new String[] {a.name, k, g.floats(at + "/bias", new int[] {bias.length}, bias)});
                yield activation(new Out(y, false, 2), d.activation(), at);
            }
            case Flatten f -> new Out(g.node("Flatten", at, new String[] {nat(x, at).name}, integer("axis", 1)), false, 2);
            case Dropout d -> x;
            case Rescaling r -> scaleShift(x, new float[] {r.scale()}, new float[] {r.offset()}, at);
            case Normalization n -> normalization(n, x, at);
            // Augmentation is the identity at inference, which is all an exported model does.
            case ImageTransformLayer t when t.isRandom() -> x;
            case ActivationLayer a -> activation(x, a.activation(), at);
            case Add a -> {
                String[] names = new String[in.length];
                for (int i = 0; i < in.length; i++) names[i] = like(in[i], x.nchw, at).name;
                yield new Out(g.node(in.length == 2 ? "Add" : "Sum", at, names), x.nchw, x.rank);
            }
            case Elementwise e -> elementwise(e, in, at);
            case MatMul m -> matMul(m, in, at);
            case PiecewiseActivation p -> piecewise(p, x, at);
            case PReLU p -> {
                Shape as = paramShape(p, "alpha");
                float[] alpha = param(p, "alpha");
                int[] dims = as.toArray();
                if (x.nchw) {
                    alpha = permute(alpha, dims, new int[] {2, 0, 1});
                    dims = new int[] {dims[2], dims[0], dims[1]};
                }
                yield new Out(g.node("PRelu", at, new String[] {x.name, g.floats(at + "/alpha", dims, alpha)}), x.nchw, x.rank);
            }
            case AxisSoftmax s -> softmax(s, x, at);
            case Concatenate c -> {
                String[] names = new String[in.length];
                for (int i = 0; i < in.length; i++) names[i] = like(in[i], x.nchw, at).name;
                int axis = c.axis() < 0 ? c.axis() + x.rank : c.axis();
                yield new Out(g.node("Concat", at, names, integer("axis", onnxAxis(x, axis - 1))), x.nchw, x.rank);
            }
            case ZeroPadding2D z -> {
                int[][] p = z.padding();
                Out v = nchw(x, at);
                yield new Out(g.node("Pad", at, new String[] {v.name, g.longs(at + "/pads", 0, 0, p[0][0], p[1][0], 0, 0, p[0][1], p[1][1])}), true, 4);
            }
            case Pad p -> pad(p, x, at);
            case Permute p -> {
                int[] perm = new int[p.dims().length + 1];
                System.arraycopy(p.dims(), 0, perm, 1, p.dims().length);
                yield new Out(g.node("Transpose", at, new String[] {nat(x, at).name}, ints("perm", perm)), false, x.rank);
            }
            case Reshape r -> reshape(nat(x, at), r.outputShape(), at);
            case ConstantLayer c -> constant(c, x, at);
            default -> throw unsupported(l);
        };
    }

    private static FoveaException unsupported(Layer l) {
        return new FoveaException("layer " + l.name() + " (" + l.className() + ") has no ONNX export");
    }

    private Out activation(Out v, Activation a, String at) {
        return switch (a) {
            case LINEAR -> v;
            case RELU -> new Out(g.node("Relu", at, new String[] {v.name}), v.nchw, v.rank);
            case SIGMOID -> new Out(g.node("Sigmoid", at, new String[] {v.name}), v.nchw, v.rank);
            case TANH -> new Out(g.node("Tanh", at, new String[] {v.name}), v.nchw, v.rank);
            // Softmax over Fovea's last axis: the channels, axis 1 in NCHW.
            case SOFTMAX -> new Out(g.node("Softmax", at, new String[] {v.name}, integer("axis", v.nchw ? 1 : -1)), v.nchw, v.rank);
        };
    }

    private Out conv(Layer l, ConvolutionKernel c, Out x) {
        String at = l.name();
        Shape ks = c.kernel().value().shape();   // (KH, KW, C/groups, F)
        float[] oihw = permute(c.kernel().value().data(), ks.toArray(), new int[] {3, 2, 0, 1});
        String w = g.floats(at + "/kernel", new int[] {ks.dim(3), ks.dim(2), ks.dim(0), ks.dim(1)}, oihw);
        float[] bias = c.bias() == null ? null : c.bias().value().data();
        String[] inputs = bias == null ? new String[] {x.name, w} : new String[] {x.name, w, g.floats(at + "/bias", new int[] {bias.length}, bias)};
        Window2D win = c.window();
        return new Out(g.node("Conv", at, inputs, ints("kernel_shape", win.kH(), win.kW()), ints("strides", win.strideH(), win.strideW()),
                ints("dilations", win.dilationH(), win.dilationW()), integer("group", c.groups()),
                ints("pads", win.padTop(), win.padLeft(), win.padBottom(), win.padRight())), true, 4);
    }

    static float[] permute(float[] data, int[] dims, int[] perm) {
        float[] out = new float[data.length];
        new dev.fovea.ops.PermuteOp(dims, perm).forward(out, data);
        return out;
    }

    private Out batchNorm(BatchNormalization b, Out x, String at) {
        BatchNormalization.Config k = b.settings();
        int per = b.inputShape().rank();
        int axis = k.axis() < 0 ? k.axis() + per + 1 : k.axis();   // Keras axis, counting the batch
        Out v;
        int[] perm = null;
        if (x.rank == 4 && axis == 3) {
            v = nchw(x, at);
        } else {
            v = nat(x, at);
            if (axis != 1) {
                // ONNX normalises axis 1: move the channel axis there and back.
                perm = new int[per + 1];
                perm[1] = axis;
                for (int i = 0, j = 0; i <= per; i++) {
                    if (i == 1) continue;
                    while (j == axis) j++;
                    perm[i] = j++;
                }
                v = new Out(g.node("Transpose", at, new String[] {v.name}, ints("perm", perm)), false, v.rank);
            }
        }
        int c = b.outputShape().dim(axis - 1);
        float[] gamma = param(b, "gamma"), beta = param(b, "beta");
        if (gamma == null) gamma = filled(c, 1f);
        if (beta == null) beta = new float[c];
        String y = g.node("BatchNormalization", at, new String[] {v.name, g.floats(at + "/gamma", new int[] {c}, gamma),
                g.floats(at + "/beta", new int[] {c}, beta), g.floats(at + "/moving_mean", new int[] {c}, param(b, "moving_mean")),
                g.floats(at + "/moving_variance", new int[] {c}, param(b, "moving_variance"))},
                number("epsilon", (float) k.epsilon()), number("momentum", (float) k.momentum()));
        if (perm == null) return new Out(y, v.nchw, v.rank);
        int[] inverse = new int[perm.length];
        for (int i = 0; i < perm.length; i++) inverse[perm[i]] = i;
        return new Out(g.node("Transpose", at, new String[] {y}, ints("perm", inverse)), false, v.rank);
    }

    /** y = x·scale + shift, both scalars (length 1) or per channel (the last Keras axis). */
    private Out scaleShift(Out x, float[] scale, float[] shift, String at) {
        int[] dims = scale.length == 1 ? new int[] {1} : x.nchw ? new int[] {1, scale.length, 1, 1} : new int[] {scale.length};
        String y = g.node("Mul", at, new String[] {x.name, g.floats(at + "/scale", dims, scale)});
        y = g.node("Add", at, new String[] {y, g.floats(at + "/shift", dims, shift)});
        return new Out(y, x.nchw, x.rank);
    }

    /** Keras's Normalization: (x − mean) / max(sqrt(variance), 1e-7), as a scale and shift per channel. */
    private Out normalization(Normalization n, Out x, String at) {
        if (!n.isAdapted()) throw new dev.fovea.FoveaException("layer " + at + " (Normalization) has no mean and variance yet: adapt it before export");
        float[] mean = n.mean(), variance = n.variance();
        float[] scale = new float[mean.length], shift = new float[mean.length];
        for (int i = 0; i < mean.length; i++) {
            scale[i] = (float) (1 / Math.max(Math.sqrt(variance[i]), 1e-7));
            shift[i] = -mean[i] * scale[i];
        }
        return scaleShift(x, scale, shift, at);
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    private Out elementwise(Elementwise e, Out[] in, String at) {
        String op = switch (e.operation()) {
            case ADD -> "Add";
            case SUBTRACT -> "Sub";
            case MULTIPLY -> "Mul";
            case DIVIDE -> "Div";
        };
        Out x = in[0];
        if (e.constantShape() == null) return new Out(g.node(op, at, new String[] {x.name, like(in[1], x.nchw, at).name}), x.nchw, x.rank);
        int per = e.outputShape().rank();
        int[] cd = e.constantShape().toArray();
        float[] c = param(e, "constant");
        Out v = x;
        if (x.nchw && cd.length <= 3) {
            // Align the constant to (H, W, C) and reorder it as (C, H, W): no transposes of the data.
            int[] full = new int[3];
            java.util.Arrays.fill(full, 1);
            System.arraycopy(cd, 0, full, 3 - cd.length, cd.length);
            c = permute(c, full, new int[] {2, 0, 1});
            cd = new int[] {full[2], full[0], full[1]};
        } else {
            v = nat(x, at);
        }
        assert per >= cd.length;
        String k = g.floats(at + "/constant", cd, c);
        String[] args = e.constantFirst() ? new String[] {k, v.name} : new String[] {v.name, k};
        return new Out(g.node(op, at, args), v.nchw, v.rank);
    }

    private Out matMul(MatMul m, Out[] in, String at) {
        Out x = nat(in[0], at);
        if (m.constantShape() == null) {
            if (m.inputShapes()[0].rank() != m.inputShapes()[1].rank()) {
                throw new FoveaException("layer " + at + ": MatMul of inputs of different ranks has no ONNX export");
            }
            return new Out(g.node("MatMul", at, new String[] {x.name, nat(in[1], at).name}), false, m.outputShape().rank() + 1);
        }
        if (m.constantFirst() && m.inputShape().rank() == 1) throw new FoveaException("layer " + at + ": MatMul of a constant by a vector has no ONNX export");
        String k = g.floats(at + "/kernel", m.constantShape().toArray(), param(m, "kernel"));
        String[] args = m.constantFirst() ? new String[] {k, x.name} : new String[] {x.name, k};
        return new Out(g.node("MatMul", at, args), false, m.outputShape().rank() + 1);
    }

    private Out piecewise(PiecewiseActivation p, Out x, String at) {
        return switch (p.kind()) {
            case LEAKY_RELU -> new Out(g.node("LeakyRelu", at, new String[] {x.name}, number("alpha", p.a())), x.nchw, x.rank);
            case ELU -> new Out(g.node("Elu", at, new String[] {x.name}, number("alpha", p.a())), x.nchw, x.rank);
            case CLIP -> {
                String lo = Float.isInfinite(p.a()) ? "" : g.floats(at + "/min", new int[0], new float[] {p.a()});
                String hi = Float.isInfinite(p.b()) ? "" : g.floats(at + "/max", new int[0], new float[] {p.b()});
                yield new Out(g.node("Clip", at, new String[] {x.name, lo, hi}), x.nchw, x.rank);
            }
        };
    }

    private Out softmax(AxisSoftmax s, Out x, String at) {
        String op = s.isLog() ? "LogSoftmax" : "Softmax";
        int per = s.inputShape().rank();
        int[] axes = s.axes();
        for (int i = 0; i < axes.length; i++) axes[i] = (axes[i] < 0 ? axes[i] + per + 1 : axes[i]) - 1;
        java.util.Arrays.sort(axes);
        if (axes.length == 1) return new Out(g.node(op, at, new String[] {x.name}, integer("axis", onnxAxis(x, axes[0]))), x.nchw, x.rank);
        // Several neighbouring axes: merge them into one, normalise, and restore the shape.
        Out v = nat(x, at);
        Shape in = s.inputShape();
        int merged = 1;
        for (int a : axes) merged *= in.dim(a);
        long[] shape = new long[per - axes.length + 2];
        int k = 0;
        shape[k++] = 0;
        for (int i = 0; i < per; i++) {
            if (i == axes[0]) shape[k++] = merged;
            else if (i < axes[0] || i > axes[axes.length - 1]) shape[k++] = in.dim(i);
        }
        String flat = g.node("Reshape", at, new String[] {v.name, g.longs(at + "/merged", shape)});
        String y = g.node(op, at, new String[] {flat}, integer("axis", axes[0] + 1));
        return reshape(new Out(y, false, shape.length), in, at);
    }

    private Out pad(Pad p, Out x, String at) {
        if (p.mode() == PadOp.Mode.WRAP) throw new FoveaException("layer " + at + ": wrap padding needs ONNX opset 19; Fovea exports opset " + OPSET);
        Out v = nat(x, at);
        int[][] q = p.paddings();
        long[] pads = new long[2 * (q.length + 1)];
        for (int i = 0; i < q.length; i++) {
            pads[i + 1] = q[i][0];
            pads[q.length + 2 + i] = q[i][1];
        }
        String mode = p.mode().name().toLowerCase(java.util.Locale.ROOT);
        String value = g.floats(at + "/value", new int[0], new float[] {p.value()});
        return new Out(g.node("Pad", at, new String[] {v.name, g.longs(at + "/pads", pads), value}, string("mode", mode)), false, v.rank);
    }

    private Out reshape(Out v, Shape perExample, String at) {
        long[] shape = new long[perExample.rank() + 1];
        for (int i = 0; i < perExample.rank(); i++) {
            if (perExample.dim(i) == 0) throw new FoveaException("layer " + at + ": reshaping to an empty axis has no ONNX export");
            shape[i + 1] = perExample.dim(i);
        }
        return new Out(g.node("Reshape", at, new String[] {v.name, g.longs(at + "/shape", shape)}), false, shape.length);
    }

    /** (N, ...shape): the value broadcast over the batch of the layer's input. */
    private Out constant(ConstantLayer c, Out x, String at) {
        Shape s = c.outputShape();
        int[] dims = new int[s.rank() + 1];
        dims[0] = 1;
        System.arraycopy(s.toArray(), 0, dims, 1, s.rank());
        String value = g.floats(at + "/value", dims, param(c, "value"));
        String shape = g.node("Shape", at, new String[] {x.name});
        String batch = g.node("Gather", at, new String[] {shape, g.longs(at + "/batch_axis", 0)}, integer("axis", 0));
        long[] rest = new long[s.rank()];
        for (int i = 0; i < rest.length; i++) rest[i] = s.dim(i);
        String target = g.node("Concat", at, new String[] {batch, g.longs(at + "/rest", rest)}, integer("axis", 0));
        return new Out(g.node("Expand", at, new String[] {value, target}), false, dims.length);
    }

}

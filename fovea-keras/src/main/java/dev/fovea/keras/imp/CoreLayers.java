package dev.fovea.keras.imp;

import dev.fovea.keras.imp.GraphBuilder.Value;
import dev.fovea.nn.Activation;
import dev.fovea.nn.ActivationLayer;
import dev.fovea.nn.Add;
import dev.fovea.nn.AxisSoftmax;
import dev.fovea.nn.BatchNormalization;
import dev.fovea.nn.Concatenate;
import dev.fovea.nn.Dense;
import dev.fovea.nn.Dropout;
import dev.fovea.nn.Elementwise;
import dev.fovea.nn.MatMul;
import dev.fovea.nn.Normalization;
import dev.fovea.nn.PReLU;
import dev.fovea.nn.Permute;
import dev.fovea.nn.PiecewiseActivation;
import dev.fovea.nn.Rescaling;
import dev.fovea.nn.Reshape;
import dev.fovea.tensor.Shape;

import java.util.List;
import java.util.Map;

/**
 * Converters of Keras's core layers: Dense, activation layers, normalisation, dropout, reshaping,
 * merging and preprocessing. Element-wise layers keep their input's layout; the others put their
 * input in Keras's order first.
 */
final class CoreLayers {
    private CoreLayers() {}

    static void register(Map<String, Converter> table) {
        table.put("Dense", CoreLayers::dense);
        table.put("Activation", c -> Activations.apply(c, c.input(), c.activation("activation"), true));
        table.put("ReLU", CoreLayers::relu);
        table.put("LeakyReLU", c -> {
            // Keras 2 calls the slope alpha, Keras 3 negative_slope; both default to 0.3.
            double slope = c.has("negative_slope") ? c.number("negative_slope", 0.3) : c.number("alpha", 0.3);
            return c.graph().add(PiecewiseActivation.leakyRelu(slope).named(c.name("")), c.input().channelsLast(), c.input());
        });
        table.put("ELU", c -> c.graph().add(PiecewiseActivation.elu(c.number("alpha", 1.0)).named(c.name("")), c.input().channelsLast(), c.input()));
        table.put("PReLU", CoreLayers::prelu);
        table.put("Softmax", CoreLayers::softmax);
        table.put("BatchNormalization", CoreLayers::batchNorm);
        for (String d : List.of("Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D")) {
            // Identity at inference; fine-tuning drops single values (SpatialDropout drops whole channels in Keras).
            table.put(d, c -> c.graph().add(new Dropout(c.number("rate", 0.5)).named(c.name("")), c.input().channelsLast(), c.input()));
        }
        for (String d : List.of("GaussianNoise", "GaussianDropout", "AlphaDropout", "ActivityRegularization")) {
            table.put(d, Call::input);   // no effect at inference, and Fovea has no such layer to train with
        }
        for (String d : List.of("RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation", "RandomContrast", "RandomBrightness",
                "RandomCrop")) {
            // Augmentation: the identity at inference, which is what an imported model is for. Dropped rather than
            // mapped onto Fovea's augmentation layers, whose settings and random streams differ from Keras's
            // (fovea train --augment adds Fovea's own for fine-tuning). RandomCrop's inference resize is refused.
            table.put(d, c -> {
                if (d.equals("RandomCrop")) throw c.error("resizes its input at inference, which Fovea cannot do");
                return c.input();
            });
        }
        table.put("Reshape", c -> c.graph().add(new Reshape(c.config().requireIntArray("target_shape", -1, 1 << 30)).named(c.name("")),
                c.graph().keras(c.input())));
        table.put("Permute", c -> c.graph().add(new Permute(c.config().requireIntArray("dims", 1, 64)).named(c.name("")),
                c.graph().keras(c.input())));
        table.put("Add", c -> merge(c, (g, ins) -> g.add(new Add().named(c.name("")), ins[0].channelsLast(), ins)));
        table.put("Subtract", c -> merge(c, (g, ins) -> {
            if (ins.length != 2) throw c.error("takes two inputs, got " + ins.length);
            return g.add(new Elementwise(Elementwise.Operation.SUBTRACT).named(c.name("")), ins[0].channelsLast(), ins);
        }));
        table.put("Multiply", c -> merge(c, (g, ins) -> chain(c, Elementwise.Operation.MULTIPLY, ins)));
        table.put("Average", c -> merge(c, (g, ins) -> Activations.scale(c,
                g.add(new Add().named(c.name("sum")), ins[0].channelsLast(), ins), 1.0 / ins.length, "")));
        table.put("Maximum", c -> merge(c, (g, ins) -> extreme(c, ins, true)));
        table.put("Minimum", c -> merge(c, (g, ins) -> extreme(c, ins, false)));
        table.put("Concatenate", CoreLayers::concatenate);
        table.put("Rescaling", c -> c.graph().add(new Rescaling(c.number("scale", 1.0), c.number("offset", 0.0)).named(c.name("")),
                c.input().channelsLast(), c.input()));
        table.put("Normalization", CoreLayers::normalization);
    }

    private static Value dense(Call c) {
        GraphBuilder g = c.graph();
        Value x = g.keras(c.input());
        int units = c.integer("units", -1, 1, 1 << 24);
        if (units < 0) throw c.error("needs units");
        boolean bias = c.bool("use_bias", true);
        String act = c.activation("activation");
        var w = bias ? c.weights("kernel", "bias") : c.weights("kernel");
        int in = x.held().dim(-1);
        if (x.rank() == 1) {
            Activation fused = Activations.fusable(act);
            Dense d = new Dense(new Dense.Config(units, fused == null ? Activation.LINEAR : fused, bias)).named(c.name(""));
            Value y = g.add(d, x);
            g.weight(d, "kernel", w.get(0).data(), w.get(0).dims(), c.where() + " kernel");
            if (bias) g.weight(d, "bias", w.get(1).data(), w.get(1).dims(), c.where() + " bias");
            return fused == null ? Activations.apply(c, y, act) : y;
        }
        // Keras's Dense acts on the last axis of any tensor: a matrix product, then the bias.
        MatMul m = new MatMul(Shape.of(in, units), false).named(c.name(""));
        Value y = g.add(m, x);
        g.weight(m, "kernel", w.get(0).data(), w.get(0).dims(), c.where() + " kernel");
        if (bias) {
            Elementwise b = new Elementwise(Elementwise.Operation.ADD, Shape.of(units), false).named(c.name("bias"));
            y = g.add(b, y);
            g.weight(b, "constant", w.get(1).data(), w.get(1).dims(), c.where() + " bias");
        }
        return Activations.apply(c, y, act);
    }

    /** ReLU(max_value, negative_slope, threshold) from LeakyReLU/ReLU and a clip. */
    private static Value relu(Call c) {
        GraphBuilder g = c.graph();
        Value x = c.input();
        double max = c.has("max_value") ? c.number("max_value", 0) : Double.POSITIVE_INFINITY;
        double slope = c.number("negative_slope", 0), threshold = c.number("threshold", 0);
        if (threshold != 0) throw c.error("has threshold " + threshold + "; Fovea imports ReLU with threshold 0 only");
        if (max < 0) throw c.error("max_value must be >= 0, got " + max);
        boolean clip = max != Double.POSITIVE_INFINITY;
        Value y = slope == 0 && !clip ? g.add(new ActivationLayer(Activation.RELU).named(c.name("")), x.channelsLast(), x)
                : slope == 0 ? g.add(PiecewiseActivation.clip(0, max).named(c.name("")), x.channelsLast(), x)
                : g.add(PiecewiseActivation.leakyRelu(slope).named(c.name(clip ? "leaky" : "")), x.channelsLast(), x);
        if (slope != 0 && clip) y = g.add(PiecewiseActivation.clip(Double.NEGATIVE_INFINITY, max).named(c.name("")), x.channelsLast(), y);
        return y;
    }

    private static Value prelu(Call c) {
        GraphBuilder g = c.graph();
        Value x = g.keras(c.input());
        int[] shared = c.has("shared_axes") ? sharedAxes(c) : new int[0];
        PReLU p = new PReLU(shared).named(c.name(""));
        Value y = g.add(p, x);
        var w = c.weights("alpha");
        int[] dims = x.held().toArray();
        for (int s : shared) dims[s - 1] = 1;
        g.weight(p, "alpha", w.get(0).data(), dims, c.where() + " alpha " + w.get(0).dimsText());
        return y;
    }

    private static int[] sharedAxes(Call c) {
        Object v = c.config().get("shared_axes");
        if (v instanceof Long) return new int[] {c.integer("shared_axes", 1, 1, 64)};
        return c.config().requireIntArray("shared_axes", 1, 64);
    }

    private static Value softmax(Call c) {
        Object v = c.config().get("axis");
        int[] axes = v == null ? new int[] {-1} : v instanceof Long ? new int[] {c.integer("axis", -1, -64, 64)} : c.config().requireIntArray("axis", -64, 64);
        return c.graph().add(new AxisSoftmax(false, axes).named(c.name("")), c.graph().keras(c.input()));
    }

    private static Value batchNorm(Call c) {
        GraphBuilder g = c.graph();
        Value x = c.input();
        Object a = c.config().get("axis");
        int axis = a instanceof List<?> l && l.size() == 1 ? c.config().requireIntArray("axis", -64, 64)[0]
                : c.integer("axis", -1, -64, 64);
        int rank = x.rank() + 1;   // Keras counts the batch axis
        int positive = axis < 0 ? axis + rank : axis;
        if (positive < 1 || positive >= rank) throw c.error("axis " + axis + " is outside its input (batch, " + x.keras().toString().substring(1));
        int foveaAxis;
        if (x.channelsLast() && positive == 1) {
            foveaAxis = -1;   // the channels of a channels-first tensor, held last
        } else {
            x = g.keras(x);
            foveaAxis = positive;
        }
        boolean center = c.bool("center", true), scale = c.bool("scale", true);
        BatchNormalization bn = new BatchNormalization(new BatchNormalization.Config(foveaAxis, c.number("momentum", 0.99),
                c.number("epsilon", 1e-3), center, scale)).named(c.name(""));
        Value y = g.add(bn, x.channelsLast(), x);
        List<String> names = new java.util.ArrayList<>();
        if (scale) names.add("gamma");
        if (center) names.add("beta");
        names.add("moving_mean");
        names.add("moving_variance");
        var w = c.weights(names.toArray(String[]::new));
        for (int i = 0; i < names.size(); i++) g.weight(bn, names.get(i), w.get(i).data(), w.get(i).dims(), c.where() + " " + names.get(i));
        return y;
    }

    /** Merges: channels-last operands when every input is held so, Keras's order otherwise. */
    private static Value merge(Call c, java.util.function.BiFunction<GraphBuilder, Value[], Value> op) {
        List<Value> in = c.inputs();
        if (in.size() < 2) throw c.error("needs at least two inputs, got " + in.size());
        boolean allChannelsLast = in.stream().allMatch(Value::channelsLast);
        Value[] v = new Value[in.size()];
        for (int i = 0; i < v.length; i++) v[i] = allChannelsLast ? in.get(i) : c.graph().keras(in.get(i));
        return op.apply(c.graph(), v);
    }

    private static Value chain(Call c, Elementwise.Operation op, Value[] ins) {
        Value acc = ins[0];
        for (int i = 1; i < ins.length; i++) {
            acc = c.graph().add(new Elementwise(op).named(c.name(i == ins.length - 1 ? "" : "part" + i)), ins[0].channelsLast(), acc, ins[i]);
        }
        return acc;
    }

    /** max(a, b) = a + relu(b - a); min(a, b) = a - relu(a - b): exact up to one rounding. */
    private static Value extreme(Call c, Value[] ins, boolean max) {
        GraphBuilder g = c.graph();
        Value acc = ins[0];
        boolean cl = ins[0].channelsLast();
        for (int i = 1; i < ins.length; i++) {
            Value diff = max ? g.add(new Elementwise(Elementwise.Operation.SUBTRACT).named(c.name("diff" + i)), cl, ins[i], acc)
                    : g.add(new Elementwise(Elementwise.Operation.SUBTRACT).named(c.name("diff" + i)), cl, acc, ins[i]);
            Value r = g.add(new ActivationLayer(Activation.RELU).named(c.name("relu" + i)), cl, diff);
            acc = g.add(new Elementwise(max ? Elementwise.Operation.ADD : Elementwise.Operation.SUBTRACT)
                    .named(c.name(i == ins.length - 1 ? "" : "part" + i)), cl, acc, r);
        }
        return acc;
    }

    private static Value concatenate(Call c) {
        List<Value> in = c.inputs();
        if (in.isEmpty()) throw c.error("has no input");
        int axis = c.integer("axis", -1, -64, 64);
        int rank = in.get(0).rank() + 1;
        int positive = axis < 0 ? axis + rank : axis;
        if (positive < 1 || positive >= rank) throw c.error("axis " + axis + " is outside its inputs");
        boolean allChannelsLast = in.stream().allMatch(Value::channelsLast);
        Value[] v = new Value[in.size()];
        for (int i = 0; i < v.length; i++) v[i] = allChannelsLast ? in.get(i) : c.graph().keras(in.get(i));
        // Held channels-last, Keras's axis 1 (channels) is the last one and axis k > 1 moves to k - 1.
        int foveaAxis = !allChannelsLast ? positive : positive == 1 ? -1 : positive - 1;
        return c.graph().add(new Concatenate(foveaAxis).named(c.name("")), allChannelsLast, v);
    }

    private static Value normalization(Call c) {
        Value x = c.input();
        Object axis = c.config().get("axis");
        boolean lastAxis = axis == null || (axis instanceof Long l && (l == -1 || l == x.rank()))
                || (axis instanceof List<?> list && list.size() == 1 && list.get(0) instanceof Long l2 && (l2 == -1 || l2 == x.rank()));
        if (!lastAxis) throw c.error("normalises axis " + axis + "; Fovea imports Normalization over the last axis (the channels) only");
        if (c.bool("invert", false)) throw c.error("has invert=true (denormalisation), which Fovea has no layer for");
        float[] mean, variance;
        if (c.config().get("mean") instanceof List<?> && c.config().get("variance") instanceof List<?>) {
            mean = floats(c, "mean");
            variance = floats(c, "variance");
        } else {
            List<dev.fovea.keras.imp.KerasWeight> w = c.weights();
            if (w.size() < 2) throw c.error("has neither mean and variance in its config nor adapted statistics in the file");
            mean = w.get(0).data();
            variance = w.get(1).data();
        }
        return c.graph().add(new Normalization(mean, variance).named(c.name("")), c.graph().keras(x));
    }

    private static float[] floats(Call c, String key) {
        var a = c.config().requireArray(key);
        float[] f = new float[a.size()];
        for (int i = 0; i < f.length; i++) f[i] = (float) a.doubleAt(i);
        return f;
    }
}

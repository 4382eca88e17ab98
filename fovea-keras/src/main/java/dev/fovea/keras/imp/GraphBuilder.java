package dev.fovea.keras.imp;

import dev.fovea.FoveaException;
import dev.fovea.nn.Layer;
import dev.fovea.model.Model;
import dev.fovea.nn.Parameter;
import dev.fovea.nn.Permute;
import dev.fovea.tensor.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Builds the Fovea graph of an imported Keras model: adds nodes (each built at once, so every
 * value's shape is known while converting), tracks how each Keras tensor is held, and copies the
 * Keras weights into the parameters once the model is built.
 *
 * <p>Fovea computes images channels-last. A Keras tensor written by a {@code channels_first}
 * layer, (C, H, W) to Keras, is held as (H, W, C) ({@link Value#channelsLast}), so a chain of
 * channels_first layers runs without any transposition; a Permute is added only where a layer
 * needs Keras's own order (Flatten of a channels_last model, Reshape, Dense, a model output).
 */
public final class GraphBuilder {
    /**
     * A Keras tensor in the Fovea graph: node (or {@link Model#MODEL_INPUT}), the per-example
     * shape it is held in, and whether that is the channels-last form of a channels-first tensor.
     */
    public record Value(int node, Shape held, boolean channelsLast) {
        /** The shape Keras sees (without the batch axis). */
        public Shape keras() {
            if (!channelsLast) return held;
            int[] h = held.toArray(), k = new int[h.length];
            k[0] = h[h.length - 1];
            System.arraycopy(h, 0, k, 1, h.length - 1);
            return Shape.of(k);
        }

        public int rank() { return held.rank(); }
    }

    private record Pending(Layer layer, String parameter, float[] data, int[] dims, String what) {}

    private final Model model;
    private final String where;
    private final List<Pending> pending = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private final Map<String, Value> permuted = new HashMap<>();
    private final SplittableRandom rng = new SplittableRandom(0);
    private Shape inputShape;

    public GraphBuilder(Model model, String where) {
        this.model = model;
        this.where = where;
    }

    public String where() { return where; }
    public Model model() { return model; }

    /** The model input, held as given (channelsLast: a channels-first image fed as (H, W, C)). */
    public Value input(Shape held, boolean channelsLast) {
        if (inputShape != null) throw new FoveaException(where + ": a Fovea model has one input");
        inputShape = held;
        return new Value(Model.MODEL_INPUT, held, channelsLast);
    }

    /** A unique Fovea layer name from a Keras one ('/' is not allowed in Fovea names). */
    public String name(String base) {
        String b = base.replace('/', '_');
        if (b.isBlank()) b = "layer";
        String n = b;
        for (int k = 1; !names.add(n); k++) n = b + "_" + k;
        return n;
    }

    /** Adds layer (already named) reading the inputs; returns its output, held in Keras order. */
    public Value add(Layer layer, Value... inputs) {
        return add(layer, false, inputs);
    }

    /** As {@link #add(Layer, Value...)}, the output marked as the channels-last form of a channels-first tensor. */
    public Value add(Layer layer, boolean channelsLast, Value... inputs) {
        int[] ins = new int[inputs.length];
        Shape[] in = new Shape[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            ins[i] = inputs[i].node();
            in[i] = inputs[i].held();
        }
        int node = model.addNode(layer, ins);
        // Built now, so the next conversions know this shape; Model.build builds it again, the same way.
        layer.build(in, rng.split());
        return new Value(node, layer.outputShape(), channelsLast);
    }

    /** v in Keras's own axis order (adds a Permute when it is held channels-last). */
    public Value keras(Value v) {
        if (!v.channelsLast()) return v;
        return permuted.computeIfAbsent("k" + v.node(), k -> {
            int r = v.rank();
            int[] dims = new int[r];
            dims[0] = r;
            for (int i = 1; i < r; i++) dims[i] = i;
            return add(new Permute(dims).named(name(nodeName(v) + "_to_keras_order")), false, v);
        });
    }

    /** v, a channels-first tensor, held channels-last (adds a Permute when it is in Keras order). */
    public Value channelsLast(Value v) {
        if (v.channelsLast()) return v;
        if (v.rank() < 2) throw new FoveaException(where + ": a channels_first layer needs a tensor with channels and spatial axes, got " + v.held());
        return permuted.computeIfAbsent("c" + v.node(), k -> {
            int r = v.rank();
            int[] dims = new int[r];
            for (int i = 0; i < r - 1; i++) dims[i] = i + 2;
            dims[r - 1] = 1;
            return add(new Permute(dims).named(name(nodeName(v) + "_to_channels_last")), true, v);
        });
    }

    private String nodeName(Value v) {
        return v.node() == Model.MODEL_INPUT ? "input" : model.nodes().get(v.node()).layer().name();
    }

    /** Schedules a Keras weight for parameter {@code parameter} of layer, copied after the model is built. */
    public void weight(Layer layer, String parameter, float[] data, int[] dims, String what) {
        pending.add(new Pending(layer, parameter, data, dims, what));
    }

    /** Builds the model for its input and copies every scheduled weight, checking each shape. */
    public void finish() {
        if (inputShape == null) throw new FoveaException(where + ": the model has no input");
        model.build(inputShape);
        for (Pending p : pending) {
            String full = p.layer().name() + "/" + p.parameter();
            Parameter param = null;
            for (Parameter q : p.layer().parameters()) if (q.name().equals(full)) param = q;
            if (param == null) throw new IllegalStateException("import: layer " + p.layer().name() + " has no parameter " + p.parameter());
            int[] expected = param.value().shape().toArray();
            if (!Arrays.equals(expected, p.dims()) || p.data().length != param.size()) {
                throw new FoveaException(where + ": " + p.what() + " has shape " + Arrays.toString(p.dims()) + "; the layer needs "
                        + Arrays.toString(expected));
            }
            System.arraycopy(p.data(), 0, param.value().data(), 0, p.data().length);
            param.markChanged();
        }
        pending.clear();
    }
}

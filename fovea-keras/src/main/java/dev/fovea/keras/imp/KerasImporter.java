package dev.fovea.keras.imp;

import dev.fovea.FoveaException;
import dev.fovea.json.JsonArray;
import dev.fovea.keras.KerasModel;
import dev.fovea.keras.imp.GraphBuilder.Value;
import dev.fovea.keras.imp.ModelSpec.LayerSpec;
import dev.fovea.keras.imp.ModelSpec.TensorRef;
import dev.fovea.model.Model;
import dev.fovea.nn.Reshape;
import dev.fovea.tensor.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns a Keras model config and its weights into a Fovea model: each layer call becomes core
 * layers through the converter table, in the graph's order. Nothing the file names is ever
 * executed: Lambda layers (Python bytecode) and custom classes are refused, as Keras's safe_mode
 * refuses them.
 */
public final class KerasImporter {
    private static final Map<String, Converter> LAYERS = new TreeMap<>();

    static {
        SpatialLayers.register(LAYERS);
        CoreLayers.register(LAYERS);
        ResamplingLayers.register(LAYERS);
    }

    /** Classes that are whole models: Fovea does not import a model nested as a layer. */
    private static final Set<String> MODELS = Set.of("Sequential", "Functional", "Model");

    private KerasImporter() {}

    /** Every Keras layer class the importer accepts, sorted (InputLayer included). */
    public static List<String> supportedLayers() {
        List<String> all = new ArrayList<>(LAYERS.keySet());
        all.add("InputLayer");
        all.sort(null);
        return all;
    }

    /**
     * @param weights   a layer's stored weights, in Keras's order
     * @param override  the per-example input shape, for inputs with free axes; or null
     */
    public static KerasModel build(ModelSpec spec, WeightSource weights, KerasDialect dialect,
                                   InputShape override, String where, String format) {
        Model model = new Model(spec.name().replace('/', '_'));
        GraphBuilder g = new GraphBuilder(model, where);
        Map<String, LayerSpec> byName = new LinkedHashMap<>();
        for (LayerSpec l : spec.layers()) {
            if (byName.put(l.name(), l) != null) throw new FoveaException(where + ": two layers are named \"" + l.name() + "\"");
        }
        Map<TensorRef, Value> values = new HashMap<>();
        List<TensorRef> outputs;
        Shape kerasInput;
        boolean heldChannelsLast;
        if (spec.sequential()) {
            List<LayerSpec> layers = new ArrayList<>(spec.layers());
            if (layers.isEmpty()) throw new FoveaException(where + ": the Sequential model has no layers");
            int[] batchShape = inputShape(layers.get(0), spec, where);
            if (layers.get(0).className().equals("InputLayer")) layers.remove(0);
            if (layers.isEmpty()) throw new FoveaException(where + ": the model has only an input layer");
            heldChannelsLast = readsChannelsFirst(layers.get(0), batchShape.length - 1);
            kerasInput = concrete(batchShape, keras(override, heldChannelsLast), where);
            Value v = g.input(heldShape(kerasInput, heldChannelsLast), heldChannelsLast);
            for (LayerSpec l : layers) v = convert(l, 0, List.of(v), g, weights, dialect, where);
            TensorRef out = new TensorRef(layers.get(layers.size() - 1).name(), 0, 0);
            values.put(out, v);
            outputs = List.of(out);
        } else {
            if (spec.inputs().size() != 1) {
                throw new FoveaException(where + ": the model has " + spec.inputs().size() + " inputs; a Fovea model has one");
            }
            TensorRef in = spec.inputs().get(0);
            LayerSpec inputLayer = byName.get(in.layer());
            if (inputLayer == null || !inputLayer.className().equals("InputLayer")) {
                throw new FoveaException(where + ": the model input \"" + in.layer() + "\" is not an InputLayer");
            }
            int[] batchShape = inputShape(inputLayer, spec, where);
            LayerSpec first = firstConsumer(spec, in.layer());
            heldChannelsLast = first != null && readsChannelsFirst(first, batchShape.length - 1);
            kerasInput = concrete(batchShape, keras(override, heldChannelsLast), where);
            values.put(new TensorRef(in.layer(), 0, 0), g.input(heldShape(kerasInput, heldChannelsLast), heldChannelsLast));
            convertGraph(spec, values, g, weights, dialect, where);
            outputs = spec.outputs();
        }
        List<KerasModel.Output> outs = new ArrayList<>();
        for (TensorRef o : outputs) {
            Value v = values.get(o);
            if (v == null) throw new FoveaException(where + ": model output " + o + " is not computed by any layer");
            v = g.keras(v);
            outs.add(new KerasModel.Output(o.layer(), v.node(), v.held()));
        }
        KerasModel.Output first = outs.get(0);
        if (first.node() == Model.MODEL_INPUT || first.node() != model.nodes().size() - 1) {
            // The Fovea model's output is its last node: end with a view of the first Keras output.
            Value v = g.add(new Reshape(first.shape().toArray()).named(g.name(first.name() + "_output")),
                    new Value(first.node(), first.shape(), false));
            outs.set(0, new KerasModel.Output(first.name(), v.node(), first.shape()));
        }
        g.finish();
        return new KerasModel(model, kerasInput, heldChannelsLast, List.copyOf(outs), dialect.version(), dialect.backend(), format,
                spec.className());
    }

    private static void convertGraph(ModelSpec spec, Map<TensorRef, Value> values, GraphBuilder g,
                                     WeightSource weights, KerasDialect dialect, String where) {
        // Calls run once all their inputs exist; configs list layers in graph order, but a pass
        // that waits for inputs does not depend on it.
        List<LayerSpec> pending = new ArrayList<>();
        for (LayerSpec l : spec.layers()) if (!l.className().equals("InputLayer")) pending.add(l);
        Map<LayerSpec, Integer> nextCall = new HashMap<>();
        boolean progress = true;
        while (!pending.isEmpty() && progress) {
            progress = false;
            for (var it = pending.iterator(); it.hasNext(); ) {
                LayerSpec l = it.next();
                if (l.calls().isEmpty()) {
                    it.remove();   // a layer never called in the graph: nothing to convert
                    continue;
                }
                int k = nextCall.getOrDefault(l, 0);
                List<Value> ins = new ArrayList<>();
                for (TensorRef r : l.calls().get(k)) {
                    Value v = values.get(r);
                    if (v == null) {
                        ins = null;
                        break;
                    }
                    ins.add(v);
                }
                if (ins == null) continue;
                values.put(new TensorRef(l.name(), k, 0), convert(l, k, ins, g, weights, dialect, where));
                progress = true;
                if (k + 1 < l.calls().size()) nextCall.put(l, k + 1);
                else it.remove();
            }
        }
        if (!pending.isEmpty()) {
            LayerSpec l = pending.get(0);
            throw new FoveaException(where + ": layer \"" + l.name() + "\" reads " + l.calls().get(nextCall.getOrDefault(l, 0))
                    + ", which no layer computes from the model input");
        }
    }

    private static Value convert(LayerSpec l, int call, List<Value> inputs, GraphBuilder g,
                                 WeightSource weights, KerasDialect dialect, String where) {
        String cls = l.className();
        String at = where + ": layer \"" + l.name() + "\" (" + cls + ")";
        if (cls.equals("Lambda")) {
            throw new FoveaException(at + " holds Python code; Fovea never runs code from a model file (Keras refuses it too in safe_mode)");
        }
        if (MODELS.contains(cls)) return nested(l, inputs, g, weights, dialect, at);
        if (cls.equals("InputLayer")) throw new FoveaException(at + " is a second input; a Fovea model has one input");
        Converter c = LAYERS.get(cls);
        if (c == null) {
            String custom = l.module() != null && !l.module().startsWith("keras") ? " (a custom layer from module " + l.module() + ")" : "";
            throw new FoveaException(at + ": Fovea cannot import this layer class" + custom + "; accepted: " + String.join(", ", supportedLayers()));
        }
        String base = call == 0 ? l.name() : l.name() + "_call" + call;
        return c.convert(new Call(l, base, inputs, g, () -> weights.of(l), dialect));
    }

    /**
     * A model used as a layer (a pretrained base inside a Sequential, say): its layers are
     * converted in place, reading the call's input, so the Fovea graph stays flat.
     */
    private static Value nested(LayerSpec l, List<Value> inputs, GraphBuilder g, WeightSource weights, KerasDialect dialect, String at) {
        ModelSpec inner = ModelSpec.parseNested(l, at);
        if (inputs.size() != 1) throw new FoveaException(at + " is a nested model called on " + inputs.size() + " inputs; Fovea imports one");
        WeightSource w = weights.nested(l, inner);
        String where = g.where();
        if (inner.sequential()) {
            Value v = inputs.get(0);
            for (LayerSpec layer : inner.layers()) if (!layer.className().equals("InputLayer")) v = convert(layer, 0, List.of(v), g, w, dialect, where);
            return v;
        }
        if (inner.inputs().size() != 1 || inner.outputs().size() != 1) {
            throw new FoveaException(at + " is a nested model with " + inner.inputs().size() + " inputs and " + inner.outputs().size()
                    + " outputs; Fovea imports nested models with one of each");
        }
        Map<TensorRef, Value> values = new HashMap<>();
        values.put(new TensorRef(inner.inputs().get(0).layer(), 0, 0), inputs.get(0));
        convertGraph(inner, values, g, w, dialect, where);
        Value out = values.get(inner.outputs().get(0));
        if (out == null) throw new FoveaException(at + ": its output " + inner.outputs().get(0) + " is not computed by any of its layers");
        return out;
    }

    /** The batch shape of the model input, e.g. [-1, 28, 28, 1], from the first layer's config or the build config. */
    private static int[] inputShape(LayerSpec first, ModelSpec spec, String where) {
        var c = first.config();
        for (String key : List.of("batch_input_shape", "batch_shape")) {
            if (c.get(key) instanceof List<?>) return ModelSpec.shapeOf(c.requireArray(key));
        }
        if (c.get("input_shape") instanceof List<?>) {
            JsonArray a = c.requireArray("input_shape");
            int[] s = ModelSpec.shapeOf(a), b = new int[s.length + 1];
            b[0] = -1;
            System.arraycopy(s, 0, b, 1, s.length);
            return b;
        }
        if (spec.buildInputShape() != null) return spec.buildInputShape();
        throw new FoveaException(where + ": the model does not say its input shape (no InputLayer, batch_input_shape or build_config)");
    }

    /**
     * A per-example input shape given by the caller: in Keras's layout, or (channelsLast) as Fovea
     * holds the input, which differs from Keras's only for a channels_first model: (H, W, C) for (C, H, W).
     */
    public record InputShape(int[] dims, boolean channelsLast) {
        public InputShape {
            dims = dims.clone();
        }

        @Override public int[] dims() { return dims.clone(); }
    }

    private static int[] keras(InputShape o, boolean heldChannelsLast) {
        if (o == null) return null;
        int[] d = o.dims();
        if (!o.channelsLast() || !heldChannelsLast || d.length < 2) return d;
        int[] k = new int[d.length];
        k[0] = d[d.length - 1];
        System.arraycopy(d, 0, k, 1, d.length - 1);
        return k;
    }

    /** The per-example shape, free axes filled from the override (which must then be given). */
    private static Shape concrete(int[] batchShape, int[] override, String where) {
        int[] s = Arrays.copyOfRange(batchShape, 1, batchShape.length);
        if (override != null) {
            if (override.length != s.length) {
                throw new FoveaException(where + ": the model takes input " + describe(s) + "; the given input shape " + Arrays.toString(override)
                        + " has another rank");
            }
            for (int i = 0; i < s.length; i++) {
                if (s[i] >= 0 && s[i] != override[i]) {
                    throw new FoveaException(where + ": the model takes input " + describe(s) + "; the given input shape " + Arrays.toString(override) + " does not fit it");
                }
                if (override[i] < 1) throw new FoveaException(where + ": input shape " + Arrays.toString(override) + " must be positive");
            }
            return Shape.of(override);
        }
        for (int d : s) {
            if (d < 0) throw new FoveaException(where + ": the model takes input " + describe(s) + " with free axes; give the input shape to import it");
        }
        if (s.length == 0) throw new FoveaException(where + ": the model input is a scalar per example; Fovea needs at least one axis");
        return Shape.of(s);
    }

    private static String describe(int[] s) {
        StringBuilder b = new StringBuilder("(batch");
        for (int d : s) b.append(", ").append(d < 0 ? "None" : Integer.toString(d));
        return b.append(')').toString();
    }

    private static LayerSpec firstConsumer(ModelSpec spec, String inputLayer) {
        for (LayerSpec l : spec.layers()) {
            for (List<TensorRef> call : l.calls()) for (TensorRef r : call) if (r.layer().equals(inputLayer)) return l;
        }
        return null;
    }

    /** Feeds the input channels-last when the layer reading it is a channels_first image or sequence layer. */
    private static boolean readsChannelsFirst(LayerSpec l, int rank) {
        return rank >= 2 && "channels_first".equals(l.config().optionalString("data_format", null))
                && !l.className().equals("Flatten");
    }

    private static Shape heldShape(Shape keras, boolean channelsLast) {
        if (!channelsLast) return keras;
        int[] k = keras.toArray(), h = new int[k.length];
        System.arraycopy(k, 1, h, 0, k.length - 1);
        h[k.length - 1] = k[0];
        return Shape.of(h);
    }
}

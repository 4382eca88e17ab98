package dev.fovea.keras.imp;

import dev.fovea.FoveaException;
import dev.fovea.json.JsonArray;
import dev.fovea.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Keras model config, one schema for both formats: Keras 2 / tf.keras {@code model_config}
 * ({@code class_name} + {@code config}; Sequential's config a list of layers or an object with
 * {@code layers}; Functional's {@code inbound_nodes} as [[layer, node, tensor, kwargs], ...]) and
 * Keras 3 {@code config.json} (the same plus {@code module}/{@code registered_name}, and
 * {@code inbound_nodes} as {args, kwargs} whose args hold {@code __keras_tensor__} objects with a
 * {@code keras_history}).
 *
 * @param sequential true for a Sequential model: each layer reads the one before
 * @param inputs     the model inputs of a Functional model (empty for Sequential)
 * @param outputs    its outputs, in order (empty for Sequential: the last layer)
 */
public record ModelSpec(String className, String name, boolean sequential, List<LayerSpec> layers,
                        List<TensorRef> inputs, List<TensorRef> outputs, int[] buildInputShape) {

    /** One output of one call of a layer: Keras's (layer name, node index, tensor index). */
    public record TensorRef(String layer, int node, int tensor) {
        @Override public String toString() { return layer + (node == 0 && tensor == 0 ? "" : "[" + node + "][" + tensor + "]"); }
    }

    /**
     * A layer: class, name, config and, in a Functional model, the inputs of each call (one list
     * per call; a merge layer's call has several).
     */
    public record LayerSpec(String className, String name, JsonObject config, List<List<TensorRef>> calls, String module) {}

    /** Keras model classes this reader understands as a whole model. */
    static final List<String> SEQUENTIAL = List.of("Sequential");
    static final List<String> FUNCTIONAL = List.of("Functional", "Model");

    /** Parses the top-level object: {"class_name": ..., "config": ...}. */
    public static ModelSpec parse(JsonObject root) {
        String cls = root.requireString("class_name");
        if (SEQUENTIAL.contains(cls)) return sequential(root);
        if (FUNCTIONAL.contains(cls)) return functional(root);
        throw root.error("class_name", "is \"" + cls + "\"; Fovea imports Sequential and Functional models (a subclassed model has no config to rebuild it from)");
    }

    /** The model that a layer of class Sequential, Functional or Model holds. */
    static ModelSpec parseNested(LayerSpec layer, String where) {
        Map<String, Object> root = new java.util.LinkedHashMap<>();
        root.put("class_name", layer.className());
        root.put("config", layer.config().map());
        return parse(new JsonObject(root, where));
    }

    private static ModelSpec sequential(JsonObject root) {
        Object c = root.get("config");
        JsonArray layerList;
        String name = "sequential";
        if (c instanceof List<?>) {
            layerList = root.requireArray("config");   // Keras 2.0/2.1: the config is the layer list itself
        } else {
            JsonObject config = root.requireObject("config");
            name = config.optionalString("name", name);
            layerList = config.requireArray("layers");
        }
        List<LayerSpec> layers = new ArrayList<>();
        for (JsonObject l : layerList.objects()) layers.add(layer(l, false));
        int[] built = buildShape(root);
        if (built == null && c instanceof Map<?, ?> && root.requireObject("config").get("build_input_shape") instanceof List<?>) {
            built = shapeOf(root.requireObject("config").requireArray("build_input_shape"));
        }
        return new ModelSpec(root.requireString("class_name"), name, true, layers, List.of(), List.of(), built);
    }

    private static ModelSpec functional(JsonObject root) {
        JsonObject config = root.requireObject("config");
        List<LayerSpec> layers = new ArrayList<>();
        for (JsonObject l : config.requireArray("layers").objects()) layers.add(layer(l, true));
        return new ModelSpec(root.requireString("class_name"), config.optionalString("name", "model"), false, layers,
                refs(config.requireArray("input_layers")), refs(config.requireArray("output_layers")), buildShape(root));
    }

    private static int[] buildShape(JsonObject root) {
        // Keras 3 records the input shape the model was built with, e.g. {"input_shape": [null, 28, 28, 1]}.
        var b = root.optionalObject("build_config");
        if (b.isEmpty() || !(b.get().get("input_shape") instanceof List<?>)) return null;
        return shapeOf(b.get().requireArray("input_shape"));
    }

    /** A batch shape such as [null, 28, 28, 1]: null (a free axis) becomes -1. */
    static int[] shapeOf(JsonArray a) {
        int[] s = new int[a.size()];
        for (int i = 0; i < s.length; i++) {
            Object v = a.list().get(i);
            s[i] = v == null ? -1 : a.intAt(i, 0, 1 << 30);
        }
        return s;
    }

    private static LayerSpec layer(JsonObject l, boolean functional) {
        String cls = l.requireString("class_name");
        JsonObject config = l.requireObject("config");
        String name = l.has("name") ? l.requireString("name") : config.optionalString("name", null);
        if (name == null) throw l.error("has no name");
        List<List<TensorRef>> calls = new ArrayList<>();
        if (functional && l.has("inbound_nodes")) {
            JsonArray nodes = l.requireArray("inbound_nodes");
            for (int i = 0; i < nodes.size(); i++) calls.add(call(nodes, i));
        }
        return new LayerSpec(cls, name, config, calls, l.optionalString("module", null));
    }

    /** The input tensors of one call, from either format's node record. */
    private static List<TensorRef> call(JsonArray nodes, int i) {
        Object n = nodes.list().get(i);
        List<TensorRef> refs = new ArrayList<>();
        if (n instanceof List<?>) {
            // Keras 2: [[name, node, tensor, kwargs], ...]
            JsonArray entries = nodes.array(i);
            for (int k = 0; k < entries.size(); k++) refs.add(ref(entries.array(k)));
        } else if (n instanceof Map<?, ?>) {
            // Keras 3: {"args": [tensor or [tensors]], "kwargs": {...}}
            JsonObject node = nodes.object(i);
            collectTensors(node.requireArray("args"), refs);
            if (refs.isEmpty()) throw node.error("args", "holds no input tensor");
        } else {
            throw nodes.error(i, "is not a node record");
        }
        return refs;
    }

    private static void collectTensors(JsonArray args, List<TensorRef> out) {
        for (int k = 0; k < args.size(); k++) {
            Object a = args.list().get(k);
            if (a instanceof List<?>) {
                collectTensors(args.array(k), out);
            } else if (a instanceof Map<?, ?>) {
                JsonObject t = args.object(k);
                if ("__keras_tensor__".equals(t.optionalString("class_name", null))) {
                    out.add(ref(t.requireObject("config").requireArray("keras_history")));
                }
            }
            // Plain values among the args (e.g. a constant operand) are not tensors of the graph.
        }
    }

    private static TensorRef ref(JsonArray r) {
        if (r.size() < 3) throw r.error(0, "a tensor reference needs [layer, node, tensor]");
        return new TensorRef(r.string(0), r.intAt(1, 0, 1 << 20), r.intAt(2, 0, 1 << 20));
    }

    /** input_layers / output_layers: a list of [layer, node, tensor], or one such triple (Keras 3, single tensor). */
    private static List<TensorRef> refs(JsonArray a) {
        List<TensorRef> out = new ArrayList<>();
        if (a.size() > 0 && a.list().get(0) instanceof String) {
            out.add(ref(a));
            return out;
        }
        for (int i = 0; i < a.size(); i++) out.add(ref(a.array(i)));
        if (out.isEmpty()) throw new FoveaException(a.path() + " is empty");
        return out;
    }

    @Override public int[] buildInputShape() { return buildInputShape == null ? null : buildInputShape.clone(); }
}

package dev.fovea.io;

import dev.fovea.FoveaException;
import dev.fovea.nn.Layer;
import dev.fovea.nn.LayerRegistry;
import dev.fovea.model.Model;
import dev.fovea.nn.Graph;
import dev.fovea.model.Sequential;
import dev.fovea.tensor.Shape;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * model.json: the architecture (layers in Keras vocabulary), class names, input preprocessing and
 * provenance of a model. Format version {@value #FORMAT_VERSION}; reading refuses other versions
 * and unknown keys, naming where the problem is.
 *
 * <pre>{@code
 * {"format": "fovea.model", "format_version": 1,
 *  "architecture": {"class_name": "Sequential", "name": "sequential", "input_shape": [28, 28, 1],
 *                   "layers": [{"class_name": "Conv2D", "name": "conv2d", "config": {...}}, ...]},
 *  "class_names": [...], "preprocessing": {...}, "provenance": {...}}
 * }</pre>
 * A layer that does not read (only) the layer before it lists its inputs, in order, with
 * {@code "inbound": ["name", ...]} ("input" is the model input); such graphs load as a general {@link Model}.
 */
public final class ModelJson {
    public static final String FORMAT = "fovea.model";
    public static final int FORMAT_VERSION = 1;
    private static final String INPUT = "input";

    /** What model.json holds besides the architecture. */
    public record Parsed(Model model, Map<String, Object> preprocessing, Map<String, Object> provenance) {}

    private ModelJson() {}

    public static String write(Graph model, Map<String, Object> provenance) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", FORMAT);
        root.put("format_version", FORMAT_VERSION);
        root.put("architecture", architecture(model));
        root.put("class_names", model.classNames());
        root.put("preprocessing", preprocessing(model));
        root.put("provenance", provenance);
        return Json.writePretty(root);
    }

    private static Map<String, Object> architecture(Graph model) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("class_name", model instanceof Sequential ? "Sequential" : "Model");
        a.put("name", model.name());
        if (model.isBuilt()) a.put("input_shape", ints(model.inputShape().toArray()));
        List<Object> layers = new ArrayList<>();
        var nodes = model.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            var n = nodes.get(i);
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("class_name", n.layer().className());
            l.put("name", n.layer().name());
            int[] ins = n.inputs();
            if (ins.length != 1 || ins[0] != i - 1) {
                List<String> inbound = new ArrayList<>();
                for (int in : ins) inbound.add(in == Graph.MODEL_INPUT ? INPUT : nodes.get(in).layer().name());
                l.put("inbound", inbound);
            }
            l.put("config", n.layer().config());
            layers.add(l);
        }
        a.put("layers", layers);
        return a;
    }

    /** How images become the model's input: values in [0, 1] (8-bit / 255), channels as the input shape says. */
    private static Map<String, Object> preprocessing(Graph model) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("layout", "NHWC");
        p.put("scale", "pixel / 255 (values in [0, 1])");
        if (model.isBuilt() && model.inputShape().rank() == 3) {
            p.put("color_mode", model.inputShape().dim(2) == 1 ? "grayscale" : "rgb");
            p.put("size", ints(new int[] {model.inputShape().dim(0), model.inputShape().dim(1)}));
        }
        return p;
    }

    /** Parses model.json text; the model is built when the file gives an input shape. */
    public static Parsed read(String text, String where) {
        JsonObject root = Json.parseObject(text, where);
        root.requireOnlyKeys("format", "format_version", "architecture", "class_names", "preprocessing", "provenance");
        String format = root.requireString("format");
        if (!FORMAT.equals(format)) throw root.error("format", "must be \"" + FORMAT + "\", got \"" + format + "\"");
        long version = root.requireLong("format_version");
        if (version != FORMAT_VERSION) {
            throw new FoveaException(where + ": model format version " + version + " is not supported; this Fovea reads version "
                    + FORMAT_VERSION + (version > FORMAT_VERSION ? " (the file is newer: upgrade Fovea)" : ""));
        }
        Model model = architecture(root.requireObject("architecture"));
        if (root.has("class_names")) model.classNames(root.requireStringList("class_names"));
        Map<String, Object> pre = root.optionalObject("preprocessing").map(JsonObject::map).orElse(Map.of());
        Map<String, Object> prov = root.optionalObject("provenance").map(JsonObject::map).orElse(Map.of());
        return new Parsed(model, pre, prov);
    }

    private static Model architecture(JsonObject a) {
        a.requireOnlyKeys("class_name", "name", "input_shape", "layers");
        String kind = a.requireOneOf("class_name", "Sequential", "Model");
        String name = a.optionalString("name", kind.equals("Sequential") ? "sequential" : "model");
        Model model = kind.equals("Sequential") ? new Sequential(name) : new Model(name);
        JsonArray layers = a.requireArray("layers");
        if (layers.size() == 0) throw a.error("layers", "must list at least one layer");
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            JsonObject l = layers.object(i);
            l.requireOnlyKeys("class_name", "name", "inbound", "config");
            String where = l.path();
            String className = l.requireString("class_name");
            Map<String, Object> config = l.optionalObject("config").map(JsonObject::map).orElse(Map.of());
            Layer layer = LayerRegistry.create(className, config, where);
            if (l.has("name")) layer.named(l.requireString("name"));
            int[] inputs = {i - 1};
            if (l.has("inbound")) {
                List<String> names = l.requireStringList("inbound");
                inputs = new int[names.size()];
                for (int j = 0; j < inputs.length; j++) {
                    String in = names.get(j);
                    if (in.equals(INPUT)) inputs[j] = Graph.MODEL_INPUT;
                    else if (index.containsKey(in)) inputs[j] = index.get(in);
                    else throw l.error("inbound", "names \"" + in + "\", which is not an earlier layer (or \"input\")");
                }
            }
            if (kind.equals("Sequential") && (inputs.length != 1 || inputs[0] != i - 1)) {
                throw l.error("inbound", "is not allowed in a Sequential model");
            }
            int node = model.addNode(layer, inputs);
            if (layer.name() != null && index.put(layer.name(), node) != null) throw l.error("name", "\"" + layer.name() + "\" is used twice");
        }
        if (a.has("input_shape")) {
            // Images are (H, W, C); imported graphs may take other ranks, so 1 to 8 axes are accepted.
            int[] shape = a.requireIntArray("input_shape", 1, 65536);
            if (shape.length < 1 || shape.length > 8) throw a.error("input_shape", "must have 1 to 8 entries, got " + shape.length);
            model.build(Shape.of(shape));
        }
        return model;
    }

    private static List<Integer> ints(int[] a) {
        List<Integer> l = new ArrayList<>(a.length);
        for (int v : a) l.add(v);
        return l;
    }
}

package dev.fovea.io;

import dev.fovea.json.Json;
import dev.fovea.json.JsonObject;
import dev.fovea.json.JsonArray;
import dev.fovea.FoveaException;
import dev.fovea.nn.Layer;
import dev.fovea.nn.LayerTypes;
import dev.fovea.model.Model;
import dev.fovea.nn.Graph;
import dev.fovea.nn.Normalization;
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
        // A Normalization layer reading the input standardises it inside the model; recorded here
        // so that other tools (and people) see which statistics the network expects.
        var nodes = model.nodes();
        if (!nodes.isEmpty() && nodes.get(0).layer() instanceof Normalization n && n.isAdapted()) {
            Map<String, Object> norm = new LinkedHashMap<>();
            float[] inv = n.inverseStd();
            List<Double> mean = new ArrayList<>(), std = new ArrayList<>();
            for (float m : n.mean()) mean.add(Double.parseDouble(Float.toString(m)));
            for (float s : inv) std.add(Double.parseDouble(Float.toString(1 / s)));
            norm.put("mean", mean);
            norm.put("std", std);
            norm.put("layer", nodes.get(0).layer().name());
            p.put("normalization", norm);
        }
        return p;
    }

    /** Parses model.json text; the model is built when the file gives an input shape. */
    public static Parsed read(String text, String where) {
        JsonObject root = checkedRoot(text, where);
        JsonObject arch = root.requireObject("architecture");
        Model model = architecture(arch);
        Shape declared = declaredInputShape(arch);
        if (declared != null) model.build(declared);
        if (root.has("class_names")) model.classNames(root.requireStringList("class_names"));
        Map<String, Object> pre = root.optionalObject("preprocessing").map(JsonObject::map).orElse(Map.of());
        Map<String, Object> prov = root.optionalObject("provenance").map(JsonObject::map).orElse(Map.of());
        return new Parsed(model, pre, prov);
    }

    /** The root object of model.json text, its format and version checked. */
    private static JsonObject checkedRoot(String text, String where) {
        JsonObject root = Json.parseObject(text, where);
        root.requireOnlyKeys("format", "format_version", "architecture", "class_names", "preprocessing", "provenance");
        String format = root.requireString("format");
        if (!FORMAT.equals(format)) throw root.error("format", "must be \"" + FORMAT + "\", got \"" + format + "\"");
        long version = root.requireLong("format_version");
        if (version != FORMAT_VERSION) {
            throw new FoveaException(where + ": model format version " + version + " is not supported; this Fovea reads version "
                    + FORMAT_VERSION + (version > FORMAT_VERSION ? " (the file is newer: upgrade Fovea)" : ""));
        }
        return root;
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
            Layer layer = LayerTypes.create(l.requireString("class_name"), l.optionalObjectOrEmpty("config"));
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
        return model;
    }

    /** architecture.input_shape, or null when the file leaves it to the data. */
    private static Shape declaredInputShape(JsonObject a) {
        if (!a.has("input_shape")) return null;
        // Images are (H, W, C); imported graphs may take other ranks, so 1 to 8 axes are accepted.
        int[] shape = a.requireIntArray("input_shape", 1, 65536);
        if (shape.length < 1 || shape.length > 8) throw a.error("input_shape", "must have 1 to 8 entries, got " + shape.length);
        return Shape.of(shape);
    }

    /**
     * The architecture of model.json text, not built, with the input shape it declares (null when
     * none): so that a caller can fit the input and the classifier head to its data before build.
     */
    public static Architecture readArchitecture(String text, String where) {
        JsonObject root = checkedRoot(text, where);
        JsonObject a = root.requireObject("architecture");
        Model model = architecture(a);
        if (root.has("class_names")) model.classNames(root.requireStringList("class_names"));
        return new Architecture(model, declaredInputShape(a));
    }

    /** An unbuilt architecture and the input shape its file declares (or null). */
    public record Architecture(Model model, Shape declaredInputShape) {}

    private static List<Integer> ints(int[] a) {
        List<Integer> l = new ArrayList<>(a.length);
        for (int v : a) l.add(v);
        return l;
    }
}

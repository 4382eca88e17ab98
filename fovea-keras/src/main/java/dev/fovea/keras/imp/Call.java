package dev.fovea.keras.imp;

import dev.fovea.FoveaException;
import dev.fovea.json.JsonObject;
import dev.fovea.keras.imp.GraphBuilder.Value;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One call of a Keras layer being converted: its config (read leniently: initializers,
 * regularizers, constraints and dtype do not change inference and are ignored, while every
 * setting that does is read and checked), its input values, its stored weights, and the builder.
 */
public final class Call {
    private final ModelSpec.LayerSpec spec;
    private final List<Value> inputs;
    private final GraphBuilder graph;
    private final Supplier<List<KerasWeight>> weightSource;
    private final KerasDialect dialect;
    private final String where;
    private final String baseName;
    private List<KerasWeight> weights;

    Call(ModelSpec.LayerSpec spec, String baseName, List<Value> inputs, GraphBuilder graph, Supplier<List<KerasWeight>> weights,
         KerasDialect dialect) {
        this.spec = spec;
        this.baseName = baseName;
        this.inputs = inputs;
        this.graph = graph;
        this.weightSource = weights;
        this.dialect = dialect;
        this.where = graph.where() + ": layer \"" + spec.name() + "\" (" + spec.className() + ")";
    }

    public JsonObject config() { return spec.config(); }
    public String className() { return spec.className(); }
    public GraphBuilder graph() { return graph; }
    public KerasDialect dialect() { return dialect; }
    /** For messages: FILE: layer "NAME" (CLASS). */
    public String where() { return where; }

    /** A fresh unique Fovea name for a node of this layer: the Keras name, or the Keras name with a suffix. */
    public String name(String suffix) {
        return graph.name(suffix.isEmpty() ? baseName : baseName + "_" + suffix);
    }

    public List<Value> inputs() { return inputs; }

    /** The single input of a one-input layer. */
    public Value input() {
        if (inputs.size() != 1) throw error("takes one input, got " + inputs.size());
        return inputs.get(0);
    }

    /** The layer's stored weights, in Keras's order (trainable ones, then the others, each in creation order). */
    public List<KerasWeight> weights() {
        if (weights == null) weights = weightSource.get();
        return weights;
    }

    /** Checks the count of stored weights, naming what the layer needs. */
    public List<KerasWeight> weights(String... expected) {
        List<KerasWeight> w = weights();
        if (w.size() != expected.length) {
            throw error("has " + w.size() + " weight(s) in the file; this configuration needs " + expected.length
                    + (expected.length == 0 ? "" : " (" + String.join(", ", expected) + ")"));
        }
        return w;
    }

    public FoveaException error(String problem) {
        return new FoveaException(where + " " + problem);
    }

    // ---- config values ----

    public boolean has(String key) { return config().has(key); }

    public String string(String key, String defaultValue) {
        return config().optionalString(key, defaultValue);
    }

    public boolean bool(String key, boolean defaultValue) {
        return config().optionalBoolean(key, defaultValue);
    }

    public double number(String key, double defaultValue) {
        if (!config().has(key)) return defaultValue;
        double v = config().requireDouble(key);
        if (!Double.isFinite(v)) throw error(key + " must be finite, got " + v);
        return v;
    }

    public int integer(String key, int defaultValue, int min, int max) {
        return config().has(key) ? config().requireInt(key, min, max) : defaultValue;
    }

    /** An int or a list of n ints (kernel_size 3 or [3, 3]), each in [min, max]. */
    public int[] ints(String key, int n, int[] defaultValue, int min, int max) {
        Object v = config().get(key);
        if (v == null) {
            if (defaultValue == null) throw error("needs " + key);
            return defaultValue.clone();
        }
        if (v instanceof Long) {
            int x = config().requireInt(key, min, max);
            int[] out = new int[n];
            java.util.Arrays.fill(out, x);
            return out;
        }
        return config().requireIntArray(key, n, min, max);
    }

    /** "channels_last" (the default) or "channels_first". */
    public boolean channelsFirst() {
        String f = string("data_format", "channels_last");
        if (f == null) return false;
        return switch (f) {
            case "channels_last" -> false;
            case "channels_first" -> true;
            default -> throw error("data_format must be channels_last or channels_first, got \"" + f + "\"");
        };
    }

    /** The activation's name, lower case; Keras 3 may serialise it as an object naming the function. */
    public String activation(String key) {
        Object v = config().get(key);
        if (v == null) return "linear";
        if (v instanceof String s) return s.toLowerCase(Locale.ROOT);
        if (v instanceof Map<?, ?>) {
            JsonObject o = config().requireObject(key);
            if (o.get("config") instanceof String s) return s.toLowerCase(Locale.ROOT);
            String cls = o.optionalString("class_name", null);
            throw error(key + " is a custom activation" + (cls == null ? "" : " (" + cls + ")") + "; Fovea imports Keras's built-in activations only");
        }
        throw error(key + " must be an activation name");
    }
}

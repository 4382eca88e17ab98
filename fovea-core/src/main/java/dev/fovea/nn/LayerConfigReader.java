package dev.fovea.nn;

import dev.fovea.FoveaException;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed, strict access to one layer's config map as parsed from JSON. Every error names where the
 * value sits (e.g. "model.json: layers[2] (Conv2D).filters") and what is accepted. Unknown keys
 * are refused so a typo never silently falls back to a default.
 */
final class LayerConfigReader {
    private final Map<String, Object> map;
    private final String where;

    LayerConfigReader(Map<String, Object> map, String where, Set<String> allowedKeys) {
        this.map = map;
        this.where = where;
        for (String k : map.keySet()) {
            if (!allowedKeys.contains(k)) {
                throw new FoveaException(where + ": unknown key \"" + k + "\"; accepted: " + String.join(", ", allowedKeys.stream().sorted().toList()));
            }
        }
    }

    int positiveInt(String key, Integer fallback) {
        Object v = map.get(key);
        if (v == null) {
            if (fallback == null) throw new FoveaException(where + "." + key + " is required (a positive integer)");
            return fallback;
        }
        return toPositiveInt(v, key);
    }

    /** An int or a pair [h, w] (Keras accepts both for kernel_size, strides, pool_size). */
    int[] pair(String key, int[] fallback) {
        Object v = map.get(key);
        if (v == null) {
            if (fallback == null) throw new FoveaException(where + "." + key + " is required (an integer or [h, w])");
            return fallback;
        }
        if (v instanceof List<?> l) {
            if (l.size() != 2) throw new FoveaException(where + "." + key + " must be an integer or [h, w], got a list of " + l.size());
            return new int[] {toPositiveInt(l.get(0), key), toPositiveInt(l.get(1), key)};
        }
        int s = toPositiveInt(v, key);
        return new int[] {s, s};
    }

    String string(String key, String fallback) {
        Object v = map.get(key);
        if (v == null) return fallback;
        if (v instanceof String s) return s;
        throw new FoveaException(where + "." + key + " must be a string, got " + v);
    }

    boolean bool(String key, boolean fallback) {
        Object v = map.get(key);
        if (v == null) return fallback;
        if (v instanceof Boolean b) return b;
        throw new FoveaException(where + "." + key + " must be true or false, got " + v);
    }

    double number(String key, Double fallback) {
        Object v = map.get(key);
        if (v == null) {
            if (fallback == null) throw new FoveaException(where + "." + key + " is required (a number)");
            return fallback;
        }
        if (v instanceof Number n && Double.isFinite(n.doubleValue())) return n.doubleValue();
        throw new FoveaException(where + "." + key + " must be a number, got " + v);
    }

    private int toPositiveInt(Object v, String key) {
        if (v instanceof Number n) {
            double d = n.doubleValue();
            if (d == Math.rint(d) && d >= 1 && d <= Integer.MAX_VALUE) return (int) d;
        }
        throw new FoveaException(where + "." + key + " must be a positive integer, got " + v);
    }
}

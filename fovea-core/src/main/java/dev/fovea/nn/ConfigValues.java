package dev.fovea.nn;

import dev.fovea.FoveaException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Typed reading of list-valued layer config entries (axes, shapes, paddings) as parsed from
 * model.json, complementing {@link LayerConfigReader}: every error names the key and what is
 * accepted. Also the inverse, turning int arrays into the lists model.json writes.
 */
final class ConfigValues {
    private ConfigValues() {}

    /** A list of ints within [min, max]; fallback when the key is absent (null: required). */
    static int[] ints(Map<String, Object> config, String key, int min, int max, int[] fallback, String where) {
        Object v = config.get(key);
        if (v == null) {
            if (fallback == null) throw new FoveaException(where + "." + key + " is required (a list of integers)");
            return fallback.clone();
        }
        if (!(v instanceof List<?> l)) throw new FoveaException(where + "." + key + " must be a list of integers, got " + v);
        if (l.size() > 64) throw new FoveaException(where + "." + key + " has " + l.size() + " entries; at most 64 are accepted");
        int[] out = new int[l.size()];
        for (int i = 0; i < out.length; i++) out[i] = integer(l.get(i), min, max, where + "." + key + "[" + i + "]");
        return out;
    }

    /** An int, or a list of ints (Keras accepts both for axis). */
    static int[] intOrInts(Map<String, Object> config, String key, int min, int max, int[] fallback, String where) {
        Object v = config.get(key);
        if (v instanceof Number) return new int[] {integer(v, min, max, where + "." + key)};
        return ints(config, key, min, max, fallback, where);
    }

    /** A list of [before, after] pairs, e.g. [[1, 1], [0, 2]]. */
    static int[][] pairs(Map<String, Object> config, String key, int min, int[][] fallback, String where) {
        Object v = config.get(key);
        if (v == null) {
            if (fallback == null) throw new FoveaException(where + "." + key + " is required (a list of [before, after] pairs)");
            return fallback;
        }
        if (!(v instanceof List<?> l) || l.size() > 64) {
            throw new FoveaException(where + "." + key + " must be a list of [before, after] pairs, got " + v);
        }
        int[][] out = new int[l.size()][];
        for (int i = 0; i < out.length; i++) {
            if (!(l.get(i) instanceof List<?> p) || p.size() != 2) {
                throw new FoveaException(where + "." + key + "[" + i + "] must be a pair [before, after], got " + l.get(i));
            }
            out[i] = new int[] {integer(p.get(0), min, 1 << 20, where + "." + key + "[" + i + "][0]"),
                    integer(p.get(1), min, 1 << 20, where + "." + key + "[" + i + "][1]")};
        }
        return out;
    }

    /** A number, which may be absent (fallback) or null (NaN marks "none"). */
    static double optionalNumber(Map<String, Object> config, String key, double fallback, String where) {
        if (!config.containsKey(key)) return fallback;
        Object v = config.get(key);
        if (v == null) return Double.NaN;
        if (v instanceof Number n && !Double.isNaN(n.doubleValue())) return n.doubleValue();
        throw new FoveaException(where + "." + key + " must be a number or null, got " + v);
    }

    static int integer(Object v, int min, int max, String where) {
        if (v instanceof Number n) {
            double d = n.doubleValue();
            if (d == Math.rint(d) && d >= min && d <= max) return (int) d;
        }
        throw new FoveaException(where + " must be an integer in [" + min + ", " + max + "], got " + v);
    }

    static List<Integer> list(int... a) {
        List<Integer> l = new ArrayList<>(a.length);
        for (int v : a) l.add(v);
        return l;
    }

    static List<List<Integer>> pairList(int[][] p) {
        List<List<Integer>> l = new ArrayList<>(p.length);
        for (int[] q : p) l.add(list(q));
        return l;
    }
}

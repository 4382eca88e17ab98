package dev.fovea.nn;

import dev.fovea.FoveaException;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Strict reading of the preprocessing and augmentation layers' configs: the value shapes
 * {@link LayerConfigReader} has no use for (factor ranges, per-channel lists, a number or a word).
 * Every error names the key and what is accepted.
 */
final class AugmentConfig {
    private final Map<String, Object> map;
    private final String where;

    private AugmentConfig(Map<String, Object> map, String where) {
        this.map = map;
        this.where = where;
    }

    /** A reader that refuses keys outside {@code allowed}. */
    static AugmentConfig strict(Map<String, Object> map, String where, Set<String> allowed) {
        new LayerConfigReader(map, where, allowed);   // the same unknown-key error as every other layer
        return new AugmentConfig(map, where);
    }

    /** A reader for keys already checked. */
    static AugmentConfig of(Map<String, Object> map, String where) {
        return new AugmentConfig(map, where);
    }

    boolean has(String key) { return map.get(key) != null; }

    String string(String key, String fallback) {
        Object v = map.get(key);
        if (v == null) {
            if (fallback == null) throw new FoveaException(where + "." + key + " is required (a string)");
            return fallback;
        }
        if (v instanceof String s) return s;
        throw new FoveaException(where + "." + key + " must be a string, got " + v);
    }

    double number(String key, Double fallback) {
        Object v = map.get(key);
        if (v == null) {
            if (fallback == null) throw new FoveaException(where + "." + key + " is required (a number)");
            return fallback;
        }
        return toNumber(v, key);
    }

    /**
     * Keras's factor: a number f meaning [-f, f] when {@code symmetric} (else [f, f]), or a pair
     * [lower, upper] with lower <= upper. Null fallback: required.
     */
    double[] range(String key, double[] fallback, boolean symmetric) {
        Object v = map.get(key);
        if (v == null) {
            if (fallback == null) throw new FoveaException(where + "." + key + " is required (a number or [lower, upper])");
            return fallback;
        }
        if (v instanceof List<?> l) {
            if (l.size() != 2) throw new FoveaException(where + "." + key + " must be a number or [lower, upper], got a list of " + l.size());
            double lo = toNumber(l.get(0), key), hi = toNumber(l.get(1), key);
            if (lo > hi) throw new FoveaException(where + "." + key + " must have lower <= upper, got [" + lo + ", " + hi + "]");
            return new double[] {lo, hi};
        }
        double f = toNumber(v, key);
        return symmetric ? new double[] {-Math.abs(f), Math.abs(f)} : new double[] {f, f};
    }

    /** A number or a list of numbers (one per channel); null when absent. */
    float[] floats(String key) {
        Object v = map.get(key);
        if (v == null) return null;
        if (v instanceof List<?> l) {
            if (l.isEmpty()) throw new FoveaException(where + "." + key + " must be a number or a non-empty list of numbers, got []");
            float[] f = new float[l.size()];
            for (int i = 0; i < f.length; i++) f[i] = (float) toNumber(l.get(i), key);
            return f;
        }
        return new float[] {(float) toNumber(v, key)};
    }

    /**
     * A constructor's error ("RandomFlip: mode ...") re-worded for a config at {@code where},
     * which already names the class: "model.json: layers[2] (RandomFlip): mode ...".
     */
    static FoveaException at(String where, String className, FoveaException e) {
        String m = e.getMessage();
        return new FoveaException(where + ": " + (m.startsWith(className + ": ") ? m.substring(className.length() + 2) : m), e);
    }

    private double toNumber(Object v, String key) {
        if (v instanceof Number n && Double.isFinite(n.doubleValue())) return n.doubleValue();
        throw new FoveaException(where + "." + key + " must be a finite number, got " + v);
    }
}

package dev.fovea.json;

import dev.fovea.FoveaException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A parsed JSON object read as a config: typed accessors that know where they are, so a bad value
 * fails with one line naming the file, the member and what is accepted, for example
 * {@code model.json: layers[3].filters must be a positive integer, got -2}.
 *
 * <p>{@code require*} methods fail when the member is missing, null or of the wrong type or range;
 * {@code optional*} methods return the default when the member is missing or null (Keras configs
 * write null for "not set") and otherwise check like {@code require*}.
 *
 * <p>One integer rule everywhere: where an integer is expected, a number with no fractional part
 * is accepted however it is written ({@code 3} or {@code 3.0}; some JSON writers print every
 * number as a double, and model files written by earlier versions hold both), {@code 3.5} is not.
 */
public final class JsonObject {
    private final Map<String, Object> map;
    private final String where;
    private final String path;

    /** A view of a parsed top-level object; {@code where} names the file in errors. */
    public JsonObject(Map<String, Object> map, String where) {
        this(map, where, "");
    }

    JsonObject(Map<String, Object> map, String where, String path) {
        this.map = map;
        this.where = where;
        this.path = path;
    }

    /** The value as a top-level object, or a FoveaException saying it is something else. */
    @SuppressWarnings("unchecked")
    public static JsonObject of(Object parsed, String where) {
        if (!(parsed instanceof Map<?, ?> m)) {
            throw new FoveaException(where + ": expected a JSON object at the top level, got " + Text.describe(parsed));
        }
        return new JsonObject((Map<String, Object>) m, where);
    }

    /** The underlying map, in file order. */
    public Map<String, Object> map() { return map; }

    /** The file name given at parse time. */
    public String where() { return where; }

    /** Where this object sits in the file, "layers[3]"; empty at the top level. */
    public String path() { return path; }

    /** Where this object is, for errors about it: "model.json: layers[3]" ("model.json" at the top). */
    public String location() { return path.isEmpty() ? where : where + ": " + path; }

    public Set<String> keys() { return map.keySet(); }

    /** True when the member exists and is not null. */
    public boolean has(String key) { return map.get(key) != null; }

    /** The raw value (Map, List, String, Long, Double, Boolean or null), for members of several types. */
    public Object get(String key) { return map.get(key); }

    // ---- strings ----

    public String requireString(String key) {
        Object v = required(key, "a string");
        if (v instanceof String s) return s;
        throw mustBe(key, "a string", v);
    }

    public String optionalString(String key, String defaultValue) {
        return has(key) ? requireString(key) : defaultValue;
    }

    /** A string from a fixed set, e.g. padding "valid" or "same". */
    public String requireOneOf(String key, String... allowed) {
        Object v = required(key, oneOfText(allowed));
        if (v instanceof String s && Arrays.asList(allowed).contains(s)) return s;
        throw mustBe(key, oneOfText(allowed), v);
    }

    public String optionalOneOf(String key, String defaultValue, String... allowed) {
        return has(key) ? requireOneOf(key, allowed) : defaultValue;
    }

    /** An array of strings, e.g. class names. */
    public List<String> requireStringList(String key) {
        return requireArray(key).strings();
    }

    // ---- booleans ----

    public boolean requireBoolean(String key) {
        Object v = required(key, "true or false");
        if (v instanceof Boolean b) return b;
        throw mustBe(key, "true or false", v);
    }

    public boolean optionalBoolean(String key, boolean defaultValue) {
        return has(key) ? requireBoolean(key) : defaultValue;
    }

    // ---- numbers ----

    public int requireInt(String key) {
        return requireInt(key, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    /** An integer in [min, max]. */
    public int requireInt(String key, int min, int max) {
        String expected = intRangeText(min, max);
        Object v = required(key, expected);
        Long l = integral(v);
        if (l != null && l >= min && l <= max) return (int) (long) l;
        throw mustBe(key, expected, v);
    }

    public int requirePositiveInt(String key) {
        return requireInt(key, 1, Integer.MAX_VALUE);
    }

    public int requireNonNegativeInt(String key) {
        return requireInt(key, 0, Integer.MAX_VALUE);
    }

    public int optionalInt(String key, int defaultValue) {
        return has(key) ? requireInt(key) : defaultValue;
    }

    public int optionalInt(String key, int defaultValue, int min, int max) {
        return has(key) ? requireInt(key, min, max) : defaultValue;
    }

    public long requireLong(String key) {
        Object v = required(key, "an integer");
        Long l = integral(v);
        if (l != null) return l;
        throw mustBe(key, "an integer", v);
    }

    public long optionalLong(String key, long defaultValue) {
        return has(key) ? requireLong(key) : defaultValue;
    }

    /** Any finite number; integers are converted. (Parsed JSON numbers are always finite; maps built in Java may hold others.) */
    public double requireDouble(String key) {
        Object v = required(key, "a number");
        if (v instanceof Number n && Double.isFinite(n.doubleValue())) return n.doubleValue();
        throw mustBe(key, "a number", v);
    }

    /** A number in [min, max]. */
    public double requireDouble(String key, double min, double max) {
        String expected = "a number in [" + min + ", " + max + "]";
        double d = requireDouble(key);
        if (d >= min && d <= max) return d;
        throw mustBe(key, expected, map.get(key));
    }

    public double optionalDouble(String key, double defaultValue) {
        return has(key) ? requireDouble(key) : defaultValue;
    }

    /** A float; the nearest float to the written number, so floats written by {@link Json} come back bit-identical. */
    public float requireFloat(String key) {
        return (float) requireDouble(key);
    }

    public float optionalFloat(String key, float defaultValue) {
        return has(key) ? requireFloat(key) : defaultValue;
    }

    /** An array of integers, e.g. a shape or a kernel size. */
    public int[] requireIntArray(String key) {
        return requireArray(key).ints(Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    /** An array of integers each in [min, max]. */
    public int[] requireIntArray(String key, int min, int max) {
        return requireArray(key).ints(min, max);
    }

    /** An array of exactly {@code length} integers each in [min, max], e.g. strides (2, 2). */
    public int[] requireIntArray(String key, int length, int min, int max) {
        JsonArray a = requireArray(key);
        if (a.size() != length) {
            throw error(key, "must be an array of " + length + " " + plural(intRangeText(min, max), length)
                    + ", got " + a.size() + " element" + (a.size() == 1 ? "" : "s"));
        }
        return a.ints(min, max);
    }

    public int[] optionalIntArray(String key, int[] defaultValue, int min, int max) {
        return has(key) ? requireIntArray(key, min, max) : defaultValue;
    }

    /** An integer or an array of integers (Keras accepts both, e.g. for axis); always an array. */
    public int[] optionalIntOrIntArray(String key, int[] defaultValue, int min, int max) {
        if (!has(key)) return defaultValue;
        if (map.get(key) instanceof List<?>) return requireIntArray(key, min, max);
        return new int[] {requireInt(key, min, max)};
    }

    /**
     * A window size: one positive integer for both axes or a pair [h, w], as Keras's kernel_size,
     * strides and pool_size; always a pair.
     */
    public int[] requireSizePair(String key) {
        if (map.get(key) instanceof List<?>) return requireIntArray(key, 2, 1, Integer.MAX_VALUE);
        int v = requirePositiveInt(key);
        return new int[] {v, v};
    }

    public int[] optionalSizePair(String key, int[] defaultValue) {
        return has(key) ? requireSizePair(key) : defaultValue;
    }

    /** A list of [before, after] pairs of integers in [min, max], e.g. paddings [[1, 1], [0, 2]]. */
    public int[][] requirePairs(String key, int min, int max) {
        JsonArray a = requireArray(key);
        if (a.size() > 64) throw error(key, "has " + a.size() + " entries; at most 64 are accepted");
        int[][] out = new int[a.size()][];
        for (int i = 0; i < out.length; i++) {
            JsonArray pair = a.array(i);
            if (pair.size() != 2) throw a.error(i, "must be a pair [before, after], got " + pair.size() + " elements");
            out[i] = pair.ints(min, max);
        }
        return out;
    }

    /**
     * A range as Keras's augmentation factors: a number f meaning [-|f|, |f|] when {@code symmetric}
     * (else [f, f]), or a pair [lower, upper] with lower <= upper.
     */
    public double[] requireRange(String key, boolean symmetric) {
        if (map.get(key) instanceof List<?>) {
            JsonArray a = requireArray(key);
            if (a.size() != 2) throw error(key, "must be a number or [lower, upper], got " + a.size() + " elements");
            double lo = a.doubleAt(0), hi = a.doubleAt(1);
            if (lo > hi) throw error(key, "must have lower <= upper, got [" + lo + ", " + hi + "]");
            return new double[] {lo, hi};
        }
        Object v = required(key, "a number or [lower, upper]");
        if (!(v instanceof Number)) throw mustBe(key, "a number or [lower, upper]", v);
        double f = requireDouble(key);
        return symmetric ? new double[] {-Math.abs(f), Math.abs(f)} : new double[] {f, f};
    }

    public double[] optionalRange(String key, double[] defaultValue, boolean symmetric) {
        return has(key) ? requireRange(key, symmetric) : defaultValue;
    }

    /** A number or a non-empty array of numbers (e.g. one per channel), as floats; null when absent. */
    public float[] optionalFloats(String key) {
        if (!has(key)) return null;
        if (map.get(key) instanceof List<?>) {
            JsonArray a = requireArray(key);
            if (a.size() == 0) throw error(key, "must be a number or a non-empty array of numbers, got []");
            float[] f = new float[a.size()];
            for (int i = 0; i < f.length; i++) f[i] = (float) a.doubleAt(i);
            return f;
        }
        return new float[] {requireFloat(key)};
    }

    // ---- nested values ----

    @SuppressWarnings("unchecked")
    public JsonObject requireObject(String key) {
        Object v = required(key, "an object");
        if (v instanceof Map<?, ?> m) return new JsonObject((Map<String, Object>) m, where, child(key));
        throw mustBe(key, "an object", v);
    }

    public Optional<JsonObject> optionalObject(String key) {
        return has(key) ? Optional.of(requireObject(key)) : Optional.empty();
    }

    /** The member object, or an empty one at its place (errors about it still name the member). */
    public JsonObject optionalObjectOrEmpty(String key) {
        return has(key) ? requireObject(key) : new JsonObject(Map.of(), where, child(key));
    }

    @SuppressWarnings("unchecked")
    public JsonArray requireArray(String key) {
        Object v = required(key, "an array");
        if (v instanceof List<?> l) return new JsonArray((List<Object>) l, where, child(key));
        throw mustBe(key, "an array", v);
    }

    public Optional<JsonArray> optionalArray(String key) {
        return has(key) ? Optional.of(requireArray(key)) : Optional.empty();
    }

    // ---- strictness and errors ----

    /** Refuses members outside {@code known}: a misspelt option silently ignored would train the wrong model. */
    public void requireOnlyKeys(Collection<String> known) {
        for (String k : map.keySet()) {
            if (!known.contains(k)) {
                throw new FoveaException(where + ": " + (path.isEmpty() ? "" : path + " has ") + "unknown key "
                        + Text.quote(k) + " (known: " + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }

    public void requireOnlyKeys(String... known) {
        requireOnlyKeys(List.of(known));
    }

    /** An error about a member: "model.json: layers[3].units PROBLEM". */
    public FoveaException error(String key, String problem) {
        return new FoveaException(where + ": " + child(key) + " " + problem);
    }

    /** An error about this object as a whole: "model.json: layers[3]: PROBLEM" (or "model.json: PROBLEM" at the top). */
    public FoveaException error(String problem) {
        return new FoveaException(where + ": " + (path.isEmpty() ? "" : path + ": ") + problem);
    }

    /**
     * The one integer rule: a Long, or a Double with no fractional part within the exact range of
     * doubles (|d| <= 2^53); null for anything else.
     */
    static Long integral(Object v) {
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) return ((Number) v).longValue();
        if ((v instanceof Double || v instanceof Float) && isIntegral(((Number) v).doubleValue())) return (long) ((Number) v).doubleValue();
        return null;
    }

    private static boolean isIntegral(double d) {
        return d == Math.rint(d) && Math.abs(d) <= 0x1p53;
    }

    private Object required(String key, String expected) {
        if (!map.containsKey(key)) throw error(key, "is required (" + expected + ")");
        return map.get(key);
    }

    private FoveaException mustBe(String key, String expected, Object got) {
        return error(key, "must be " + expected + ", got " + Text.describe(got));
    }

    String child(String key) {
        return path + member(key, path.isEmpty());
    }

    /** How a key reads in a path: "filters" or ".filters" for plain names, ["odd key"] otherwise. */
    static String member(String key, boolean atRoot) {
        boolean plain = !key.isEmpty();
        for (int i = 0; i < key.length() && plain; i++) {
            char c = key.charAt(i);
            plain = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9');
        }
        if (plain) return atRoot ? key : "." + key;
        return "[" + Text.quote(key) + "]";
    }

    static String intRangeText(int min, int max) {
        if (max == Integer.MAX_VALUE) {
            if (min == Integer.MIN_VALUE) return "an integer";
            if (min == 1) return "a positive integer";
            if (min == 0) return "a non-negative integer";
            return "an integer >= " + min;
        }
        if (min == Integer.MIN_VALUE) return "an integer <= " + max;
        return "an integer in [" + min + ", " + max + "]";
    }

    private static String oneOfText(String... allowed) {
        List<String> q = new ArrayList<>();
        for (String a : allowed) q.add("\"" + a + "\"");
        return "one of " + String.join(", ", q);
    }

    private static String plural(String rangeText, int n) {
        if (n == 1) return rangeText.replaceFirst("^an? ", "");
        return rangeText.replaceFirst("^an? ", "").replace("integer", "integers");
    }
}

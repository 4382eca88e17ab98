package dev.fovea.json;

import dev.fovea.FoveaException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A parsed JSON array read as a config, the companion of {@link JsonObject}: element accessors
 * whose errors name the element, "model.json: layers[3] must be an object, got 7".
 */
public final class JsonArray {
    private final List<Object> list;
    private final String where;
    private final String path;

    JsonArray(List<Object> list, String where, String path) {
        this.list = list;
        this.where = where;
        this.path = path;
    }

    public List<Object> list() { return list; }
    public String path() { return path; }
    public int size() { return list.size(); }

    @SuppressWarnings("unchecked")
    public JsonObject object(int i) {
        Object v = list.get(i);
        if (v instanceof Map<?, ?> m) return new JsonObject((Map<String, Object>) m, where, path + "[" + i + "]");
        throw mustBe(i, "an object", v);
    }

    @SuppressWarnings("unchecked")
    public JsonArray array(int i) {
        Object v = list.get(i);
        if (v instanceof List<?> l) return new JsonArray((List<Object>) l, where, path + "[" + i + "]");
        throw mustBe(i, "an array", v);
    }

    public String string(int i) {
        Object v = list.get(i);
        if (v instanceof String s) return s;
        throw mustBe(i, "a string", v);
    }

    public int intAt(int i, int min, int max) {
        Object v = list.get(i);
        Long l = JsonObject.integral(v);
        if (l != null && l >= min && l <= max) return (int) (long) l;
        throw mustBe(i, JsonObject.intRangeText(min, max), v);
    }

    public long longAt(int i) {
        Object v = list.get(i);
        Long l = JsonObject.integral(v);
        if (l != null) return l;
        throw mustBe(i, "an integer", v);
    }

    public double doubleAt(int i) {
        Object v = list.get(i);
        if (v instanceof Number n && Double.isFinite(n.doubleValue())) return n.doubleValue();
        throw mustBe(i, "a number", v);
    }

    /** Every element as an object, e.g. the layer list. */
    public List<JsonObject> objects() {
        List<JsonObject> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) out.add(object(i));
        return out;
    }

    public List<String> strings() {
        List<String> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) out.add(string(i));
        return out;
    }

    /** Every element as an int in [min, max]. */
    public int[] ints(int min, int max) {
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) out[i] = intAt(i, min, max);
        return out;
    }

    /** An error about one element: "model.json: layers[3] PROBLEM". */
    public FoveaException error(int i, String problem) {
        return new FoveaException(where + ": " + path + "[" + i + "] " + problem);
    }

    private FoveaException mustBe(int i, String expected, Object got) {
        return error(i, "must be " + expected + ", got " + Text.describe(got));
    }
}

package dev.fovea.json;

import dev.fovea.FoveaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonObjectTest {
    private static final String MODEL = """
            {"format_version": 1, "name": "cnn", "layers": [
              {"type": "Conv2D", "filters": 32, "kernel_size": [3, 3], "padding": "same", "use_bias": true},
              {"type": "Dropout", "rate": 0.25, "seed": null},
              {"type": "Dense", "units": -2, "kernel_size": [3, 0], "rate": 2, "weird key": 3.5}
            ], "classes": ["a", "b"]}""";

    private final JsonObject root = Json.parseObject(MODEL, "model.json");
    private final JsonArray layers = root.requireArray("layers");

    private static String message(Executable e) {
        return assertThrows(FoveaException.class, e).getMessage();
    }

    @Test
    void readsTypedValues() {
        assertEquals(1, root.requirePositiveInt("format_version"));
        assertEquals("cnn", root.requireString("name"));
        assertEquals(List.of("a", "b"), root.requireStringList("classes"));
        JsonObject conv = layers.object(0);
        assertEquals("layers[0]", conv.path());
        assertEquals(32, conv.requirePositiveInt("filters"));
        assertArrayEquals(new int[] {3, 3}, conv.requireIntArray("kernel_size", 2, 1, Integer.MAX_VALUE));
        assertEquals("same", conv.requireOneOf("padding", "valid", "same"));
        assertTrue(conv.requireBoolean("use_bias"));
        assertEquals("valid", conv.optionalOneOf("missing", "valid", "valid", "same"));
        JsonObject drop = layers.object(1);
        assertEquals(0.25, drop.requireDouble("rate", 0, 1));
        assertEquals(0.25f, drop.requireFloat("rate"));
        assertFalse(drop.has("seed"));
        assertEquals(42, drop.optionalInt("seed", 42)); // null reads as "not set"
        assertEquals(2.0, layers.object(2).requireDouble("rate")); // integers are numbers too
        assertEquals(3, Json.parseObject("{\"n\": 3.0}", "f").requireInt("n")); // and integral numbers integers
        assertEquals(3, Json.parseObject("{\"n\": [3.0]}", "f").requireIntArray("n", 1, 9)[0]);
    }

    @Test
    void errorsNameFileMemberAndWhatIsAccepted() {
        JsonObject dense = layers.object(2);
        assertEquals("model.json: layers[2].units must be a positive integer, got -2",
                message(() -> dense.requirePositiveInt("units")));
        assertEquals("model.json: layers[2].kernel_size[1] must be a positive integer, got 0",
                message(() -> dense.requireIntArray("kernel_size", 1, Integer.MAX_VALUE)));
        assertEquals("model.json: layers[2].filters is required (a positive integer)",
                message(() -> dense.requirePositiveInt("filters")));
        assertEquals("model.json: layers[2]['weird key'] must be an integer, got 3.5",
                message(() -> dense.requireInt("weird key")));
        assertEquals("model.json: layers[2].rate must be a number in [0.0, 1.0], got 2",
                message(() -> dense.requireDouble("rate", 0, 1)));
        assertEquals("model.json: layers[2].type must be one of \"Conv2D\", \"Flatten\", got the string 'Dense'",
                message(() -> dense.requireOneOf("type", "Conv2D", "Flatten")));
        assertEquals("model.json: layers[1].seed must be an integer, got null",
                message(() -> layers.object(1).requireInt("seed")));
        assertEquals("model.json: name must be an object, got the string 'cnn'",
                message(() -> root.requireObject("name")));
        assertEquals("model.json: layers[0].kernel_size must be an array of 3 positive integers, got 2 elements",
                message(() -> layers.object(0).requireIntArray("kernel_size", 3, 1, Integer.MAX_VALUE)));
        assertEquals("model.json: classes[0] must be an object, got the string 'a'",
                message(() -> root.requireArray("classes").objects()));
        assertEquals("model.json: layers[2] has unknown key 'weird key' (known: kernel_size, rate, type, units)",
                message(() -> dense.requireOnlyKeys("type", "units", "kernel_size", "rate")));
        assertEquals("model.json: expected a JSON object at the top level, got an array",
                message(() -> Json.parseObject("[]", "model.json")));
    }

    @Test
    void hostileKeysStayOnOneLine() {
        JsonObject o = Json.parseObject("{\"a\\nb\": \"x\"}", "m.json");
        String m = message(() -> o.requireInt("a\nb"));
        assertFalse(m.contains("\n"));
        assertEquals("m.json: ['a\\nb'] must be an integer, got the string 'x'", m);
    }
}

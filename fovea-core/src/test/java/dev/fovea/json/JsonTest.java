package dev.fovea.json;

import dev.fovea.FoveaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest {

    private static String error(String json) {
        return assertThrows(FoveaException.class, () -> Json.parse(json, "t.json")).getMessage();
    }

    @Test
    void parsesEveryValueType() {
        Object v = Json.parse(" {\"a\": [1, -2.5, \"x\", true, false, null, {}, []], \"b\": {\"c\": 9007199254740993}}\n", "t");
        Map<?, ?> m = assertInstanceOf(LinkedHashMap.class, v);
        assertEquals(List.of("a", "b"), new ArrayList<>(m.keySet()));
        List<?> a = (List<?>) m.get("a");
        assertEquals(1L, a.get(0));
        assertEquals(-2.5, a.get(1));
        assertEquals("x", a.get(2));
        assertEquals(true, a.get(3));
        assertEquals(false, a.get(4));
        assertNull(a.get(5));
        assertEquals(Map.of(), a.get(6));
        assertEquals(List.of(), a.get(7));
        // Beyond 2^53: a Long keeps every digit, a Double would not.
        assertEquals(9007199254740993L, ((Map<?, ?>) m.get("b")).get("c"));
    }

    @Test
    void keepsInsertionOrder() {
        Map<?, ?> m = (Map<?, ?>) Json.parse("{\"z\":1,\"a\":2,\"m\":3}", "t");
        assertEquals(List.of("z", "a", "m"), new ArrayList<>(m.keySet()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0 | 0 | Long",
            "-0 | 0 | Long",
            "-0.0 | -0.0 | Double",
            "9223372036854775807 | 9223372036854775807 | Long",
            "-9223372036854775808 | -9223372036854775808 | Long",
            "9223372036854775808 | 9.223372036854776E18 | Double",
            "1e2 | 100.0 | Double",
            "1E+2 | 100.0 | Double",
            "2.5e-3 | 0.0025 | Double",
            "1.0 | 1.0 | Double",
            "4.9e-324 | 4.9E-324 | Double",
            "1e-400 | 0.0 | Double",
    })
    void numbers(String text, String expected, String type) {
        Object v = Json.parse(text, "t");
        assertEquals(type, v.getClass().getSimpleName());
        assertEquals(expected, v.toString());
    }

    @Test
    void stringEscapes() {
        String s = (String) Json.parse("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\u20AC\\ud83d\\ude00 raw\u00e9\"", "t");
        assertEquals("a\"b\\c/d\b\f\n\r\té€\uD83D\uDE00 raw\u00e9", s);
    }

    @Test
    void errorsCarryLineAndColumn() {
        assertEquals("t.json:3:10: expected ',' or '}' in object, got 'x'",
                error("{\n  \"a\": 1,\n  \"b\": 2 x\n}"));
        assertEquals("t.json:2:3: duplicate key 'a'", error("{\"a\": 1,\r\n  \"a\": 2}"));
        assertEquals("t.json:1:1: expected a JSON value, got end of input", error(""));
        assertEquals("t.json:1:4: expected a JSON value, got end of input", error("   "));
    }

    @Test
    void refusesTrailingGarbage() {
        assertEquals("t.json:1:4: unexpected '{' after the JSON value (expected end of input)", error("{} {}"));
        assertTrue(error("1 2").contains("after the JSON value"));
        assertTrue(error("nullx").startsWith("t.json:1:5: unexpected 'x'"));
    }

    @Test
    void refusesBadEscapesAndStrings() {
        assertTrue(error("\"\\x\"").startsWith("t.json:1:2: invalid escape \\x in string"), error("\"\\x\""));
        assertTrue(error("\"\\u12G4\"").contains("\\u escape needs four hex digits"));
        assertTrue(error("\"\\u12\"").contains("\\u escape needs four hex digits"));
        assertTrue(error("\"\\ud800\"").contains("unpaired surrogate escape \\uD800"));
        assertTrue(error("\"\\ud800\\u0041\"").contains("unpaired surrogate"));
        assertTrue(error("\"\\udc00\"").contains("unpaired surrogate"));
        assertTrue(error("\"\ud800\"").contains("unpaired surrogate"));
        assertEquals("t.json:1:3: control character U+000A in string (escape it, e.g. \\n or \\u0001)", error("\"a\nb\""));
        assertEquals("t.json:1:1: unterminated string", error("\"abc"));
        assertTrue(error("'a'").contains("expected a JSON value"));
    }

    @Test
    void refusesNonStandardNumbers() {
        assertTrue(error("01").contains("leading zeros"));
        assertTrue(error("-01").contains("leading zeros"));
        assertTrue(error("1.").contains("expected a digit after '.'"));
        assertTrue(error(".5").contains("expected a JSON value"));
        assertTrue(error("+1").contains("expected a JSON value"));
        assertTrue(error("-").contains("expected a digit after '-'"));
        assertTrue(error("1e").contains("expected a digit in the exponent"));
        assertTrue(error("1e+").contains("expected a digit in the exponent"));
        assertTrue(error("1e400").contains("out of range"));
        assertTrue(error("-1e400").contains("out of range"));
        assertTrue(error("NaN").contains("expected a JSON value"));
        assertTrue(error("Infinity").contains("expected a JSON value"));
        assertTrue(error("0x10").contains("unexpected 'x'"));
    }

    @Test
    void refusesNonStandardSyntax() {
        assertEquals("t.json:1:4: expected a JSON value (object, array, string, number, true, false or null), got ']'", error("[1,]"));
        assertTrue(error("{\"a\":1,}").contains("expected a string key, got '}'"));
        assertTrue(error("{a:1}").contains("expected a string key, got 'a'"));
        assertTrue(error("{\"a\" 1}").contains("expected ':' after key 'a'"));
        assertTrue(error("[1 2]").contains("expected ',' or ']' in array, got '2'"));
        assertTrue(error("// c\n1").contains("expected a JSON value"));
        assertTrue(error("\uFEFF{}").contains("expected a JSON value"));
        assertTrue(error("tru").contains("expected a JSON value"));
        assertTrue(error("[1,\f2]").contains("U+000C"));
    }

    @Test
    void depthIsLimitedWithoutStackOverflow() {
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        assertInstanceOf(List.class, Json.parse(ok, "t"));
        String deep = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
        assertEquals("t.json:1:" + (Json.MAX_DEPTH + 1) + ": nesting deeper than 512 levels", error(deep));
        // A bomb far beyond any stack: must fail with the message, not a StackOverflowError.
        assertTrue(error("{\"a\":".repeat(1_000_000)).contains("nesting deeper than 512 levels"));
        assertTrue(error("[".repeat(1_000_000)).contains("nesting deeper than 512 levels"));
    }

    @Test
    void strictUtf8Bytes() {
        assertEquals("é", Json.parse("\"é\"".getBytes(StandardCharsets.UTF_8), "t"));
        byte[] bad = {'"', (byte) 0xC3, '"'};
        assertEquals("t: not valid UTF-8 text", assertThrows(FoveaException.class, () -> Json.parse(bad, "t")).getMessage());
    }

    @Test
    void compactAndPrettyForms() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "conv\"1\"");
        m.put("shape", new int[] {3, 3, 1, 32});
        m.put("empty", List.of());
        m.put("none", null);
        m.put("nested", Map.of("k", List.of("a", "b")));
        m.put("rate", 0.5f);
        assertEquals("{\"name\":\"conv\\\"1\\\"\",\"shape\":[3,3,1,32],\"empty\":[],\"none\":null,"
                + "\"nested\":{\"k\":[\"a\",\"b\"]},\"rate\":0.5}", Json.write(m));
        assertEquals("""
                {
                  "name": "conv\\"1\\"",
                  "shape": [3, 3, 1, 32],
                  "empty": [],
                  "none": null,
                  "nested": {
                    "k": [
                      "a",
                      "b"
                    ]
                  },
                  "rate": 0.5
                }""", Json.writePretty(m));
        assertEquals("{}", Json.writePretty(Map.of()));
    }

    @Test
    void writerEscapesEveryControlCharacter() {
        StringBuilder sb = new StringBuilder();
        for (char c = 0; c < 0x80; c++) sb.append(c);
        sb.append("é€\uD83D\uDE00\u2028");
        String s = sb.toString();
        String json = Json.write(s);
        for (int i = 0; i < json.length(); i++) assertTrue(json.charAt(i) >= 0x20, "raw control character in " + json);
        assertTrue(json.contains("\\u0000") && json.contains("\\n") && json.contains("\\\\") && json.contains("\\\""));
        assertEquals(s, Json.parse(json, "t"));
    }

    @Test
    void writerRefusesNonFiniteAndUnpaired() {
        Map<String, Object> m = Map.of("optimizer", Map.of("lr", Double.NaN));
        assertEquals("cannot write NaN at $.optimizer.lr: JSON has no NaN or Infinity (only finite numbers can be saved)",
                assertThrows(FoveaException.class, () -> Json.write(m)).getMessage());
        assertThrows(FoveaException.class, () -> Json.write(List.of(1f, Float.POSITIVE_INFINITY)));
        assertThrows(FoveaException.class, () -> Json.write(new double[] {Double.NEGATIVE_INFINITY}));
        assertThrows(IllegalArgumentException.class, () -> Json.write("a\uD800b"));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of(1, 2)));
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
        List<Object> cycle = new ArrayList<>();
        cycle.add(cycle);
        assertThrows(IllegalArgumentException.class, () -> Json.write(cycle));
    }

    @Test
    void floatsAndDoublesRoundTripBitExactly() {
        SplittableRandom r = new SplittableRandom(7);
        float[] fs = new float[20_000];
        double[] ds = new double[20_000];
        for (int i = 0; i < fs.length; i++) {
            do fs[i] = Float.intBitsToFloat(r.nextInt()); while (!Float.isFinite(fs[i]));
            do ds[i] = Double.longBitsToDouble(r.nextLong()); while (!Double.isFinite(ds[i]));
        }
        fs[0] = Float.MIN_VALUE;
        fs[1] = -0.0f;
        fs[2] = Float.MAX_VALUE;
        fs[3] = 1e-5f;
        ds[0] = Double.MIN_VALUE;
        ds[1] = -0.0;
        List<?> fBack = (List<?>) Json.parse(Json.write(fs), "t");
        List<?> dBack = (List<?>) Json.parse(Json.writePretty(ds), "t");
        for (int i = 0; i < fs.length; i++) {
            assertEquals(Float.floatToRawIntBits(fs[i]), Float.floatToRawIntBits((float) (double) (Double) fBack.get(i)), "float " + fs[i]);
            assertEquals(Double.doubleToRawLongBits(ds[i]), Double.doubleToRawLongBits((Double) dBack.get(i)), "double " + ds[i]);
        }
    }

    @Test
    void roundTripsNestedValues() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format_version", 1L);
        m.put("classes", List.of("T-shirt/top", "Trouser", "naïve \"quoted\""));
        m.put("layers", List.of(Map.of("type", "Conv2D", "filters", 32L), Map.of("type", "Dense", "units", 10L)));
        m.put("big", Long.MIN_VALUE);
        m.put("lr", 1.0E-3);
        m.put("flags", Arrays.asList(true, false, null));
        assertEquals(m, Json.parse(Json.write(m), "t"));
        assertEquals(m, Json.parse(Json.writePretty(m), "t"));
    }
}

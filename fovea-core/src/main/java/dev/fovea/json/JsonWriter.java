package dev.fovea.json;

import dev.fovea.FoveaException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Writes Java values as JSON: compact, or pretty with two-space indents. Output is always valid
 * RFC 8259 that {@link JsonParser} reads back to equal values, which is why non-finite numbers and
 * lone surrogates are refused instead of written.
 */
final class JsonWriter {
    private final StringBuilder out = new StringBuilder();
    private final boolean pretty;
    /** Keys and indices from the root to the value being written, for naming it in errors. */
    private final List<Object> path = new ArrayList<>();

    JsonWriter(boolean pretty) {
        this.pretty = pretty;
    }

    String write(Object value) {
        value(value, 0);
        return out.toString();
    }

    private void value(Object v, int depth) {
        if (depth > Json.MAX_DEPTH) {
            throw new IllegalArgumentException("JSON value nested deeper than " + Json.MAX_DEPTH
                    + " levels at " + pathText() + " (a cycle?)");
        }
        switch (v) {
            case null -> out.append("null");
            case String s -> string(s);
            case Boolean b -> out.append(b.booleanValue());
            case Long n -> out.append(n.longValue());
            case Integer n -> out.append(n.intValue());
            case Short n -> out.append(n.shortValue());
            case Byte n -> out.append(n.byteValue());
            case BigInteger n -> out.append(n);
            // Float and Double print the shortest decimal that reads back to the same value
            // (JDK 19+), and "1.0E-5" is valid JSON: no reformatting needed, only the finite check.
            case Float f -> {
                finite(f);
                out.append(Float.toString(f));
            }
            case Double d -> {
                finite(d);
                out.append(Double.toString(d));
            }
            case BigDecimal n -> out.append(n.toString());
            case Map<?, ?> m -> object(m, depth);
            case Collection<?> c -> array(c, depth);
            case int[] a -> {
                List<Object> l = new ArrayList<>(a.length);
                for (int x : a) l.add(x);
                array(l, depth);
            }
            case long[] a -> {
                List<Object> l = new ArrayList<>(a.length);
                for (long x : a) l.add(x);
                array(l, depth);
            }
            case float[] a -> {
                List<Object> l = new ArrayList<>(a.length);
                for (float x : a) l.add(x);
                array(l, depth);
            }
            case double[] a -> {
                List<Object> l = new ArrayList<>(a.length);
                for (double x : a) l.add(x);
                array(l, depth);
            }
            case Object[] a -> array(Arrays.asList(a), depth);
            default -> throw new IllegalArgumentException("cannot write " + v.getClass().getName()
                    + " as JSON at " + pathText() + " (accepted: Map, Collection, arrays, String, Number, Boolean, null)");
        }
    }

    private void finite(double d) {
        if (!Double.isFinite(d)) {
            throw new FoveaException("cannot write " + d + " at " + pathText()
                    + ": JSON has no NaN or Infinity (only finite numbers can be saved)");
        }
    }

    private void object(Map<?, ?> m, int depth) {
        if (m.isEmpty()) {
            out.append("{}");
            return;
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new IllegalArgumentException("JSON object keys must be strings, got "
                        + (e.getKey() == null ? "null" : e.getKey().getClass().getName()) + " at " + pathText());
            }
            if (!first) out.append(',');
            first = false;
            newline(depth + 1);
            path.add(key);
            string(key);
            out.append(pretty ? ": " : ":");
            value(e.getValue(), depth + 1);
            path.removeLast();
        }
        newline(depth);
        out.append('}');
    }

    private void array(Collection<?> c, int depth) {
        if (c.isEmpty()) {
            out.append("[]");
            return;
        }
        // Shapes, strides and kernel sizes read best on one line: "[3, 3, 1, 32]".
        boolean inline = !pretty || c.stream().allMatch(x -> x instanceof Number || x instanceof Boolean);
        out.append('[');
        int i = 0;
        for (Object x : c) {
            if (i > 0) out.append(inline && pretty ? ", " : ",");
            if (!inline) newline(depth + 1);
            path.add(i);
            value(x, depth + 1);
            path.removeLast();
            i++;
        }
        if (!inline) newline(depth);
        out.append(']');
    }

    private void newline(int depth) {
        if (!pretty) return;
        out.append('\n');
        out.repeat(' ', 2 * depth);
    }

    private void string(String s) {
        out.append('"');
        int runStart = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String esc = null;
            if (c == '"') esc = "\\\"";
            else if (c == '\\') esc = "\\\\";
            else if (c < 0x20) {
                esc = switch (c) {
                    case '\b' -> "\\b";
                    case '\f' -> "\\f";
                    case '\n' -> "\\n";
                    case '\r' -> "\\r";
                    case '\t' -> "\\t";
                    default -> String.format("\\u%04x", (int) c);
                };
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                throw unpaired(s);
            } else if (Character.isLowSurrogate(c)) {
                throw unpaired(s);
            }
            if (esc != null) {
                out.append(s, runStart, i).append(esc);
                runStart = i + 1;
            }
        }
        out.append(s, runStart, s.length()).append('"');
    }

    private IllegalArgumentException unpaired(String s) {
        return new IllegalArgumentException("string " + Text.quote(s) + " at " + pathText()
                + " holds an unpaired surrogate, which UTF-8 cannot encode");
    }

    /** "$.layers[3].filters" style, for programmer-facing messages. */
    private String pathText() {
        StringBuilder sb = new StringBuilder("$");
        for (Object p : path) {
            if (p instanceof Integer i) sb.append('[').append(i).append(']');
            else sb.append(JsonObject.member((String) p, false));
        }
        return sb.toString();
    }
}

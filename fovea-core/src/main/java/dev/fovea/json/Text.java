package dev.fovea.json;

import java.util.List;
import java.util.Map;

/**
 * Renders untrusted strings and values for one-line error messages. Names in a hostile file can
 * hold newlines, escape codes or megabytes of text; quoting them here keeps every error one
 * readable line.
 */
public final class Text {
    /** Longer strings are cut: an error message is not the place to echo a file's contents. */
    public static final int MAX_QUOTED = 80;

    private Text() {}

    /** The string in single quotes, control and non-ASCII-printable characters escaped, long strings cut. */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), MAX_QUOTED) + 8).append('\'');
        int n = Math.min(s.length(), MAX_QUOTED);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\\' -> sb.append("\\\\");
                case '\'' -> sb.append("\\'");
                default -> {
                    if (c < 0x20 || c == 0x7f || Character.isSurrogate(c) || (c >= 0x80 && c < 0xa0)
                            || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format("\\u%04X", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        if (s.length() > n) sb.append("...");
        return sb.append('\'').toString();
    }

    /** What a parsed JSON value is, for "got ..." in errors: numbers and short strings verbatim. */
    public static String describe(Object v) {
        if (v == null) return "null";
        if (v instanceof String s) return "the string " + quote(s);
        if (v instanceof Boolean || v instanceof Long || v instanceof Integer) return v.toString();
        if (v instanceof Double d) return Double.toString(d);
        if (v instanceof Map<?, ?>) return "an object";
        if (v instanceof List<?>) return "an array";
        return v.getClass().getSimpleName();
    }

    /** A character of input for "got ..." in parse errors. */
    public static String describeChar(int c) {
        if (c < 0) return "end of input";
        if (c > 0x20 && c < 0x7f) return "'" + (char) c + "'";
        return String.format("U+%04X", c);
    }

    /** Bytes in the unit a person reads: "16 MiB" for round sizes, else the exact count. */
    public static String bytes(long n) {
        if (n >= (1L << 30) && n % (1L << 30) == 0) return (n >> 30) + " GiB";
        if (n >= (1L << 20) && n % (1L << 20) == 0) return (n >> 20) + " MiB";
        return n + " bytes";
    }
}

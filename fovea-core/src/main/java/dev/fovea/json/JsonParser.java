package dev.fovea.json;

import dev.fovea.FoveaException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict RFC 8259 parser. Recursive descent is safe here because nesting is capped at
 * {@link Json#MAX_DEPTH}: a hostile "[[[[..." fails with a message instead of a StackOverflowError.
 * Every other resource is bounded by the input length, which callers cap before parsing.
 */
final class JsonParser {
    private final String text;
    private final String where;
    private int pos;
    private int depth;

    JsonParser(String text, String where) {
        this.text = text;
        this.where = where;
    }

    Object parseDocument() {
        skipWhitespace();
        Object value = parseValue();
        skipWhitespace();
        if (pos < text.length()) {
            throw error(pos, "unexpected " + Text.describeChar(text.charAt(pos)) + " after the JSON value (expected end of input)");
        }
        return value;
    }

    private Object parseValue() {
        if (pos >= text.length()) throw error(pos, "expected a JSON value, got end of input");
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> parseObject();
            case '[' -> parseArray();
            case '"' -> parseString();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) yield parseNumber();
                throw error(pos, "expected a JSON value (object, array, string, number, true, false or null), got "
                        + Text.describeChar(c));
            }
        };
    }

    private Map<String, Object> parseObject() {
        enter();
        pos++; // '{'
        Map<String, Object> map = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            depth--;
            return map;
        }
        while (true) {
            if (peek() != '"') throw error(pos, "expected a string key, got " + Text.describeChar(peek()));
            int keyStart = pos;
            String key = parseString();
            // Two values for one name make the file mean different things to different readers.
            if (map.containsKey(key)) throw error(keyStart, "duplicate key " + Text.quote(key));
            skipWhitespace();
            if (peek() != ':') throw error(pos, "expected ':' after key " + Text.quote(key) + ", got " + Text.describeChar(peek()));
            pos++;
            skipWhitespace();
            map.put(key, parseValue());
            skipWhitespace();
            int c = peek();
            if (c == ',') {
                pos++;
                skipWhitespace();
            } else if (c == '}') {
                pos++;
                depth--;
                return map;
            } else {
                throw error(pos, "expected ',' or '}' in object, got " + Text.describeChar(c));
            }
        }
    }

    private List<Object> parseArray() {
        enter();
        pos++; // '['
        List<Object> list = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            depth--;
            return list;
        }
        while (true) {
            list.add(parseValue());
            skipWhitespace();
            int c = peek();
            if (c == ',') {
                pos++;
                skipWhitespace();
            } else if (c == ']') {
                pos++;
                depth--;
                return list;
            } else {
                throw error(pos, "expected ',' or ']' in array, got " + Text.describeChar(c));
            }
        }
    }

    private void enter() {
        if (++depth > Json.MAX_DEPTH) throw error(pos, "nesting deeper than " + Json.MAX_DEPTH + " levels");
    }

    private String parseString() {
        int start = pos;
        pos++; // opening quote
        StringBuilder sb = null;
        int runStart = pos;
        while (true) {
            if (pos >= text.length()) throw error(start, "unterminated string");
            char c = text.charAt(pos);
            if (c == '"') {
                String s = sb == null ? text.substring(runStart, pos) : sb.append(text, runStart, pos).toString();
                pos++;
                return s;
            }
            if (c < 0x20) {
                throw error(pos, "control character " + Text.describeChar(c) + " in string (escape it, e.g. \\n or \\u0001)");
            }
            if (c == '\\') {
                if (sb == null) sb = new StringBuilder();
                sb.append(text, runStart, pos);
                pos++;
                parseEscape(sb);
                runStart = pos;
            } else if (Character.isHighSurrogate(c)) {
                if (pos + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(pos + 1))) {
                    throw error(pos, "unpaired surrogate " + Text.describeChar(c) + " in string");
                }
                pos += 2;
            } else if (Character.isLowSurrogate(c)) {
                throw error(pos, "unpaired surrogate " + Text.describeChar(c) + " in string");
            } else {
                pos++;
            }
        }
    }

    /** pos is just past the backslash. */
    private void parseEscape(StringBuilder sb) {
        int escStart = pos - 1;
        if (pos >= text.length()) throw error(escStart, "unterminated string");
        char c = text.charAt(pos++);
        switch (c) {
            case '"' -> sb.append('"');
            case '\\' -> sb.append('\\');
            case '/' -> sb.append('/');
            case 'b' -> sb.append('\b');
            case 'f' -> sb.append('\f');
            case 'n' -> sb.append('\n');
            case 'r' -> sb.append('\r');
            case 't' -> sb.append('\t');
            case 'u' -> {
                char u = (char) hex4(escStart);
                if (Character.isHighSurrogate(u)) {
                    // Lone surrogates cannot be encoded as UTF-8, so a string holding one could not be
                    // written back; refuse it here rather than corrupt it later.
                    int lowStart = pos;
                    if (!text.startsWith("\\u", pos)) throw error(escStart, "unpaired surrogate escape \\u" + hex(u));
                    pos += 2;
                    char low = (char) hex4(lowStart);
                    if (!Character.isLowSurrogate(low)) throw error(escStart, "unpaired surrogate escape \\u" + hex(u));
                    sb.append(u).append(low);
                } else if (Character.isLowSurrogate(u)) {
                    throw error(escStart, "unpaired surrogate escape \\u" + hex(u));
                } else {
                    sb.append(u);
                }
            }
            default -> throw error(escStart, "invalid escape \\" + (c > 0x20 && c < 0x7f ? String.valueOf(c) : Text.describeChar(c))
                    + " in string (valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
        }
    }

    private int hex4(int escStart) {
        if (pos + 4 > text.length()) throw error(escStart, "\\u escape needs four hex digits");
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(text.charAt(pos + i), 16);
            // Character.digit accepts non-ASCII digits; JSON does not.
            if (d < 0 || text.charAt(pos + i) > 'f') throw error(escStart, "\\u escape needs four hex digits");
            v = v * 16 + d;
        }
        pos += 4;
        return v;
    }

    private static String hex(char c) {
        return String.format("%04X", (int) c);
    }

    private Object parseNumber() {
        int start = pos;
        boolean integral = true;
        if (peek() == '-') pos++;
        int c = peek();
        if (c == '0') {
            pos++;
            if (isDigit(peek())) throw error(start, "leading zeros are not allowed in numbers");
        } else if (isDigit(c)) {
            while (isDigit(peek())) pos++;
        } else {
            throw error(pos, "expected a digit after '-', got " + Text.describeChar(c));
        }
        if (peek() == '.') {
            integral = false;
            pos++;
            if (!isDigit(peek())) throw error(pos, "expected a digit after '.', got " + Text.describeChar(peek()));
            while (isDigit(peek())) pos++;
        }
        if (peek() == 'e' || peek() == 'E') {
            integral = false;
            pos++;
            if (peek() == '+' || peek() == '-') pos++;
            if (!isDigit(peek())) throw error(pos, "expected a digit in the exponent, got " + Text.describeChar(peek()));
            while (isDigit(peek())) pos++;
        }
        String s = text.substring(start, pos);
        if (integral && s.length() <= 20) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException tooBig) {
                // Falls through: integers beyond a long are read as doubles, as documented.
            }
        }
        double d = Double.parseDouble(s);
        if (Double.isInfinite(d)) throw error(start, "number " + abbreviate(s) + " is out of range for a double");
        return d;
    }

    private static String abbreviate(String s) {
        return s.length() <= 24 ? s : s.substring(0, 20) + "...";
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, pos)) {
            throw error(pos, "expected a JSON value (object, array, string, number, true, false or null)");
        }
        pos += word.length();
        return value;
    }

    private int peek() {
        return pos < text.length() ? text.charAt(pos) : -1;
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            pos++;
        }
    }

    /** Line and column are worked out only here, on failure, so the happy path pays nothing for them. */
    private FoveaException error(int at, String message) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < at && i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n'))) {
                line++;
                lineStart = i + 1;
            }
        }
        return new FoveaException(where + ":" + line + ":" + (at - lineStart + 1) + ": " + message);
    }
}

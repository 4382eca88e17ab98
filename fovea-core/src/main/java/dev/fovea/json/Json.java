package dev.fovea.json;

import dev.fovea.FoveaException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict JSON (RFC 8259) to and from plain Java values.
 *
 * <p>Parsed values are: {@code Map<String, Object>} (a {@code LinkedHashMap} in file order),
 * {@code List<Object>} (an {@code ArrayList}), {@code String}, {@code Long} for integers written
 * without fraction or exponent that fit a long, {@code Double} for every other number,
 * {@code Boolean}, and Java {@code null} for JSON null (so use {@code containsKey} to tell a null
 * member from a missing one). The collections are fresh and owned by the caller.
 *
 * <p>Strict means: one value and nothing after it but whitespace; no comments, trailing commas,
 * single quotes, NaN, leading zeros or byte order mark; duplicate keys, raw control characters,
 * unknown escapes and unpaired surrogates are refused; numbers beyond a double's range are refused;
 * nesting is limited to {@link #MAX_DEPTH}. Callers bound the input size before parsing.
 * Errors are {@link FoveaException}s reading {@code WHERE:LINE:COLUMN: what was expected}.
 *
 * <p>The writer accepts the parsed types plus {@code Integer}, {@code Short}, {@code Byte},
 * {@code Float}, {@code BigInteger}, {@code BigDecimal}, any {@code Map} with string keys, any
 * {@code Collection}, object arrays and {@code int[]}, {@code long[]}, {@code float[]},
 * {@code double[]}. Floats and doubles print as the shortest decimal that reads back to the same
 * value ({@code Float.toString}/{@code Double.toString}), so a float written and read back as a
 * double and cast to float is bit-identical. NaN and infinities are refused (FoveaException);
 * unsupported types, non-string keys, unpaired surrogates and cycles are programming errors
 * (IllegalArgumentException).
 */
public final class Json {
    /** Deep enough for any real config; shallow enough that recursion cannot exhaust a thread's stack. */
    public static final int MAX_DEPTH = 512;

    private Json() {}

    /** Parses one JSON value; {@code where} names the source in errors, e.g. "model.json". */
    public static Object parse(String text, String where) {
        return new JsonParser(text, where).parseDocument();
    }

    /** Parses UTF-8 bytes (strictly decoded: malformed UTF-8 is an error, not U+FFFD) as one JSON value. */
    public static Object parse(byte[] utf8, String where) {
        return parse(decodeUtf8(utf8, where), where);
    }

    /** Parses a document whose top level must be an object, as a typed view for reading configs. */
    public static JsonObject parseObject(String text, String where) {
        return JsonObject.of(parse(text, where), where);
    }

    /** Compact form: no whitespace at all. */
    public static String write(Object value) {
        return new JsonWriter(false).write(value);
    }

    /**
     * Pretty form for files people read: two-space indents, one member or element per line, except
     * that arrays holding only numbers and booleans stay on one line. No trailing newline.
     */
    public static String writePretty(Object value) {
        return new JsonWriter(true).write(value);
    }

    /** Strict UTF-8: a file that is not valid UTF-8 is damaged or not ours, and guessing hides that. */
    public static String decodeUtf8(byte[] bytes, String where) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new FoveaException(where + ": not valid UTF-8 text");
        }
    }
}

package dev.fovea.io;

import dev.fovea.json.Json;
import dev.fovea.json.JsonObject;
import dev.fovea.json.Text;
import dev.fovea.FoveaException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The validated JSON header of a safetensors file. Everything a reader later trusts is checked
 * here, before any tensor memory is allocated: dtypes, shapes, the byte size each shape implies,
 * and that the tensors tile the data buffer exactly. A file that passes cannot make the reader
 * index outside the buffer, allocate more than the file holds, or read one byte as two tensors.
 *
 * @param entries  tensors sorted by data offset, which is the order their bytes appear in
 * @param metadata the {@code __metadata__} strings, empty when absent
 */
record SafetensorsHeader(List<Entry> entries, Map<String, String> metadata) {
    static final String METADATA_KEY = "__metadata__";
    static final String F32 = "F32";
    private static final Set<String> FIELDS = Set.of("dtype", "shape", "data_offsets");

    /** One tensor's place in the data buffer; {@code begin} and {@code end} are relative to its start. */
    record Entry(String name, int[] shape, long begin, long end) {
        int elements() { return (int) ((end - begin) / Float.BYTES); }
    }

    /**
     * Parses and validates a header; {@code bufferLength} is the number of data bytes that follow
     * it, which the tensors must cover exactly.
     */
    static SafetensorsHeader parse(byte[] headerBytes, long bufferLength, String where) {
        if (headerBytes.length == 0 || headerBytes[0] != '{') {
            throw new FoveaException(where + ": header does not start with '{' (not a safetensors file?)");
        }
        String text = Json.decodeUtf8(headerBytes, where + ": header");
        Map<String, Object> header = JsonObject.of(Json.parse(text, where + ": header"), where + ": header").map();

        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>(header.size());
        for (Map.Entry<String, Object> e : header.entrySet()) {
            if (e.getKey().equals(METADATA_KEY)) {
                readMetadata(e.getValue(), metadata, where);
            } else {
                entries.add(entry(e.getKey(), e.getValue(), bufferLength, where));
            }
        }
        // Zero-length tensors sort before a tensor starting at the same offset, so they tile too.
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        checkTiling(entries, bufferLength, where);
        return new SafetensorsHeader(List.copyOf(entries), metadata);
    }

    private static void readMetadata(Object value, Map<String, String> out, String where) {
        if (!(value instanceof Map<?, ?> m)) {
            throw new FoveaException(where + ": " + METADATA_KEY + " must be an object of strings, got " + Text.describe(value));
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new FoveaException(where + ": " + METADATA_KEY + " value " + Text.quote((String) e.getKey())
                        + " must be a string, got " + Text.describe(e.getValue()));
            }
            out.put((String) e.getKey(), s);
        }
    }

    private static Entry entry(String name, Object value, long bufferLength, String where) {
        String tensor = where + ": tensor " + Text.quote(name);
        if (!(value instanceof Map<?, ?> m)) {
            throw new FoveaException(tensor + " must be an object with dtype, shape and data_offsets, got " + Text.describe(value));
        }
        for (Object k : m.keySet()) {
            if (!FIELDS.contains(k)) {
                throw new FoveaException(tensor + " has unknown field " + Text.quote((String) k) + " (known: data_offsets, dtype, shape)");
            }
        }
        for (String f : List.of("dtype", "shape", "data_offsets")) {
            if (!m.containsKey(f)) throw new FoveaException(tensor + " has no " + f);
        }

        if (!(m.get("dtype") instanceof String dtype)) {
            throw new FoveaException(tensor + " dtype must be a string, got " + Text.describe(m.get("dtype")));
        }
        if (!dtype.equals(F32)) {
            throw new FoveaException(tensor + " has dtype " + Text.quote(dtype) + "; Fovea reads only F32 (float32) tensors");
        }

        int[] shape = shape(m.get("shape"), tensor);
        long[] offsets = offsets(m.get("data_offsets"), tensor);
        long begin = offsets[0];
        long end = offsets[1];
        if (end > bufferLength) {
            throw new FoveaException(tensor + " data_offsets [" + begin + ", " + end + "] run past the end of the "
                    + bufferLength + "-byte data buffer");
        }

        long elements = 1;
        long bytes;
        try {
            for (int d : shape) elements = Math.multiplyExact(elements, d);
            bytes = Math.multiplyExact(elements, (long) Float.BYTES);
        } catch (ArithmeticException overflow) {
            throw new FoveaException(tensor + " shape " + shapeText(shape) + " has more elements than a long can count");
        }
        if (bytes != end - begin) {
            throw new FoveaException(tensor + " shape " + shapeText(shape) + " needs " + bytes + " bytes of F32 but data_offsets ["
                    + begin + ", " + end + "] hold " + (end - begin));
        }
        if (elements > Integer.MAX_VALUE) {
            throw new FoveaException(tensor + " has " + elements + " elements; a Fovea tensor holds at most " + Integer.MAX_VALUE);
        }
        return new Entry(name, shape, begin, end);
    }

    private static int[] shape(Object value, String tensor) {
        if (value instanceof List<?> dims) {
            int[] shape = new int[dims.size()];
            boolean ok = true;
            for (int i = 0; i < shape.length && ok; i++) {
                ok = dims.get(i) instanceof Long d && d >= 0 && d <= Integer.MAX_VALUE;
                if (ok) shape[i] = (int) (long) (Long) dims.get(i);
            }
            if (ok) return shape;
        }
        throw new FoveaException(tensor + " shape must be an array of integers in [0, " + Integer.MAX_VALUE + "], got "
                + abbreviatedJson(value));
    }

    private static long[] offsets(Object value, String tensor) {
        if (value instanceof List<?> l && l.size() == 2
                && l.get(0) instanceof Long begin && l.get(1) instanceof Long end && begin >= 0 && end >= begin) {
            return new long[] {begin, end};
        }
        throw new FoveaException(tensor + " data_offsets must be [begin, end] with 0 <= begin <= end, got " + abbreviatedJson(value));
    }

    private static void checkTiling(List<Entry> sorted, long bufferLength, String where) {
        long cursor = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.begin < cursor) {
                throw new FoveaException(where + ": tensors " + Text.quote(previous.name) + " [" + previous.begin + ", " + previous.end
                        + "] and " + Text.quote(e.name) + " [" + e.begin + ", " + e.end + "] overlap in the data buffer");
            }
            if (e.begin > cursor) {
                throw new FoveaException(where + ": bytes [" + cursor + ", " + e.begin + ") of the data buffer, before tensor "
                        + Text.quote(e.name) + ", belong to no tensor");
            }
            cursor = e.end;
            previous = e;
        }
        if (cursor != bufferLength) {
            throw new FoveaException(where + ": bytes [" + cursor + ", " + bufferLength + ") at the end of the data buffer belong to no tensor");
        }
    }

    static String shapeText(int[] shape) {
        return java.util.Arrays.toString(shape);
    }

    /** Hostile values can be huge; an error shows only their start. */
    private static String abbreviatedJson(Object value) {
        String s = value instanceof List<?> || value instanceof Map<?, ?> ? Json.write(value) : Text.describe(value);
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}

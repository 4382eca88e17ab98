package dev.fovea.io;

import dev.fovea.FoveaException;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsTest {

    /** Bit patterns that a careless float path would change: NaN payloads, -0.0, subnormals, infinities. */
    static final int[] SPECIAL_BITS = {
            0x7FC00001, 0xFFC12345, 0x7F800001, 0x80000000, 0x00000001, 0x807FFFFF, 0x7F800000, 0xFF7FFFFF,
    };

    static float[] floats(int... bits) {
        float[] f = new float[bits.length];
        for (int i = 0; i < bits.length; i++) f[i] = Float.intBitsToFloat(bits[i]);
        return f;
    }

    static void assertBitsEqual(Tensor expected, Tensor actual) {
        assertEquals(expected.shape(), actual.shape());
        int[] e = new int[expected.size()];
        int[] a = new int[actual.size()];
        for (int i = 0; i < e.length; i++) {
            e[i] = Float.floatToRawIntBits(expected.data()[i]);
            a[i] = Float.floatToRawIntBits(actual.data()[i]);
        }
        assertArrayEquals(e, a);
    }

    private static TensorFile sample() {
        SplittableRandom r = new SplittableRandom(42);
        float[] big = new float[3 * 3 * 16 * 32 + 1]; // larger than one copy chunk, and odd
        for (int i = 0; i < big.length; i++) big[i] = Float.intBitsToFloat(r.nextInt());
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("z_first", new Tensor(Shape.of(8), floats(SPECIAL_BITS)));
        t.put("conv/kernel", new Tensor(Shape.of(3, 3, 16, 32), java.util.Arrays.copyOf(big, 3 * 3 * 16 * 32)));
        t.put("empty", Tensor.zeros(0, 5));
        t.put("scalar", new Tensor(Shape.of(), new float[] {-0.0f}));
        t.put("odd", new Tensor(Shape.of(1), new float[] {big[big.length - 1]}));
        t.put("naïve ✓ name", new Tensor(Shape.of(2, 1), new float[] {Float.MIN_VALUE, -Float.MIN_NORMAL / 3}));
        return new TensorFile(t, Map.of("format", "fovea", "note", "line\nbreak"));
    }

    private static void assertSame(TensorFile expected, TensorFile actual) {
        assertEquals(new ArrayList<>(expected.tensors().keySet()), new ArrayList<>(actual.tensors().keySet()));
        for (String name : expected.tensors().keySet()) assertBitsEqual(expected.get(name), actual.get(name));
        assertEquals(expected.metadata(), actual.metadata());
    }

    @Test
    void roundTripIsBitIdenticalAndOrdered() throws IOException {
        TensorFile f = sample();
        byte[] bytes = Safetensors.toBytes(f);
        assertEquals(bytes.length, Safetensors.byteSize(f));
        assertSame(f, Safetensors.read(bytes, "t.safetensors"));
        assertSame(f, Safetensors.read(new ByteArrayInputStream(bytes), bytes.length, "t.safetensors"));
        assertArrayEquals(bytes, Safetensors.toBytes(Safetensors.read(bytes, "t")), "re-writing must give the same bytes");
    }

    @Test
    void layoutFollowsTheReferenceImplementation() {
        byte[] bytes = Safetensors.toBytes(TensorFile.of(Map.of("a", new Tensor(Shape.of(2), new float[] {1f, -2f}))));
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8, "header is padded to keep the data 8-byte aligned");
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertEquals("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", header.stripTrailing());
        assertTrue(header.substring(header.stripTrailing().length()).chars().allMatch(c -> c == ' '));
        assertEquals(8 + n + 8, bytes.length);
        ByteBuffer data = ByteBuffer.wrap(bytes, (int) (8 + n), 8).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(Float.floatToRawIntBits(1f), data.getInt());
        assertEquals(Float.floatToRawIntBits(-2f), data.getInt());
        assertEquals("{\"__metadata__\":{\"k\":\"v\"}}",
                new String(Safetensors.toBytes(new TensorFile(Map.of(), Map.of("k", "v"))), 8, 27, StandardCharsets.UTF_8).stripTrailing());
    }

    @Test
    void emptyFileRoundTrips() {
        TensorFile empty = TensorFile.of(Map.of());
        byte[] bytes = Safetensors.toBytes(empty);
        assertEquals(16, bytes.length); // "{}" padded to 8
        assertEquals(0, Safetensors.read(bytes, "t").tensors().size());
    }

    @Test
    void savesAndLoadsFiles(@TempDir Path dir) {
        TensorFile f = sample();
        Path p = dir.resolve("w.safetensors");
        Safetensors.save(p, f);
        assertSame(f, Safetensors.load(p));
        assertEquals(dir.resolve("nope") + ": no such file",
                assertThrows(FoveaException.class, () -> Safetensors.load(dir.resolve("nope"))).getMessage());
    }

    @Test
    void refusesReservedName() {
        TensorFile f = TensorFile.of(Map.of("__metadata__", Tensor.zeros(1)));
        assertTrue(assertThrows(FoveaException.class, () -> Safetensors.toBytes(f)).getMessage().contains("reserves that name"));
    }

    // ------------------------------------------------------------ strict loading

    /** A file with this header (padded) and a data buffer of {@code dataBytes} zero bytes. */
    static byte[] raw(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return b.array();
    }

    private static String error(byte[] file) {
        String fromBytes = assertThrows(FoveaException.class, () -> Safetensors.read(file, "w.safetensors")).getMessage();
        String fromStream = assertThrows(FoveaException.class,
                () -> Safetensors.read(new ByteArrayInputStream(file), file.length, "w.safetensors")).getMessage();
        assertEquals(fromBytes, fromStream, "both read paths must refuse alike");
        return fromBytes;
    }

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    @Test
    void refusesOverlap() {
        String h = "{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12) + "}";
        assertEquals("w.safetensors: tensors 'a' [0, 8] and 'b' [4, 12] overlap in the data buffer", error(raw(h, 12)));
        String same = "{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 0, 8) + "}";
        assertTrue(error(raw(same, 8)).contains("overlap"));
    }

    @Test
    void refusesHoles() {
        String h = "{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 8, 12) + "}";
        assertEquals("w.safetensors: bytes [4, 8) of the data buffer, before tensor 'b', belong to no tensor", error(raw(h, 12)));
        String start = "{" + entry("a", "F32", "[1]", 4, 8) + "}";
        assertTrue(error(raw(start, 8)).contains("bytes [0, 4) of the data buffer, before tensor 'a'"));
        String tail = "{" + entry("a", "F32", "[1]", 0, 4) + "}";
        assertEquals("w.safetensors: bytes [4, 5) at the end of the data buffer belong to no tensor", error(raw(tail, 5)));
    }

    @Test
    void refusesWrongByteSize() {
        String h = "{" + entry("dense/kernel", "F32", "[2,3]", 0, 20) + "}";
        assertEquals("w.safetensors: tensor 'dense/kernel' shape [2, 3] needs 24 bytes of F32 but data_offsets [0, 20] hold 20",
                error(raw(h, 20)));
    }

    @Test
    void refusesOffsetsPastTheEnd() {
        String h = "{" + entry("a", "F32", "[4]", 0, 16) + "}";
        assertEquals("w.safetensors: tensor 'a' data_offsets [0, 16] run past the end of the 8-byte data buffer", error(raw(h, 8)));
        String reversed = "{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}}";
        assertTrue(error(raw(reversed, 8)).contains("data_offsets must be [begin, end] with 0 <= begin <= end, got [8,4]"));
        String negative = "{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[-4,0]}}";
        assertTrue(error(raw(negative, 0)).contains("data_offsets must be"));
    }

    @Test
    void refusesHugeOrImpossibleHeaderLengths() {
        byte[] f = raw("{}", 0);
        ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -1L);
        assertEquals("w.safetensors: header length 18446744073709551615 is over the 100 MiB limit (corrupt, or not a safetensors file)",
                error(f));
        ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 200L << 20);
        assertTrue(error(f).contains("is over the 100 MiB limit"));
        ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 3);
        assertEquals("w.safetensors: header length 3 runs past the end of the 10-byte file", error(f));
        assertEquals("w.safetensors: not a safetensors file (5 bytes, shorter than the 8-byte header length)", error(new byte[5]));
        assertTrue(error(raw("", 0)).contains("header does not start with '{'"));
        assertTrue(error(raw(" {}", 0)).contains("header does not start with '{'"));
    }

    @Test
    void refusesOtherDtypesNamingTheTensor() {
        String h = "{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("emb", "F16", "[2]", 4, 8) + "}";
        assertEquals("w.safetensors: tensor 'emb' has dtype 'F16'; Fovea reads only F32 (float32) tensors", error(raw(h, 8)));
    }

    @Test
    void refusesDuplicateNames() {
        String h = "{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("a", "F32", "[1]", 4, 8) + "}";
        String m = error(raw(h, 8));
        assertTrue(m.startsWith("w.safetensors: header:1:") && m.endsWith(": duplicate key 'a'"), m);
    }

    @Test
    void refusesMalformedEntries() {
        assertTrue(error(raw("{\"a\":[]}", 0)).contains("tensor 'a' must be an object with dtype, shape and data_offsets, got an array"));
        assertTrue(error(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[0]}}", 0)).contains("tensor 'a' has no data_offsets"));
        assertTrue(error(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0],\"x\":1}}", 0))
                .contains("tensor 'a' has unknown field 'x'"));
        assertTrue(error(raw("{" + entry("a", "F32", "[-1]", 0, 0) + "}", 0)).contains("shape must be an array of integers in [0, 2147483647], got [-1]"));
        assertTrue(error(raw("{" + entry("a", "F32", "[1.0]", 0, 4) + "}", 4)).contains("shape must be"));
        assertTrue(error(raw("{" + entry("a", "F32", "[2147483648]", 0, 4) + "}", 4)).contains("shape must be"));
        assertTrue(error(raw("{" + entry("a", "F32", "[2147483647,2147483647,2147483647]", 0, 4) + "}", 4))
                .contains("has more elements than a long can count"));
        assertTrue(error(raw("{\"__metadata__\":{\"k\":1}}", 0)).contains("__metadata__ value 'k' must be a string, got 1"));
        assertTrue(error(raw("[]", 0)).contains("header does not start with '{'"));
        assertTrue(error(raw("{\"a\" 1}", 0)).startsWith("w.safetensors: header:1:6: expected ':'"));
        byte[] badUtf8 = raw("{\"\u00e9\":1}", 0);
        badUtf8[11] = (byte) 0xFF;
        assertEquals("w.safetensors: header: not valid UTF-8 text", error(badUtf8));
    }

    @Test
    void hostileNamesStayOnOneLine() {
        String h = "{\"evil\\nname\":{\"dtype\":\"I8\",\"shape\":[0],\"data_offsets\":[0,0]}}";
        assertEquals("w.safetensors: tensor 'evil\\nname' has dtype 'I8'; Fovea reads only F32 (float32) tensors", error(raw(h, 0)));
    }

    @Test
    void truncatedStreamIsAnErrorNotAnOutOfMemory() {
        // The declared length promises an 8 GB tensor; only its first bytes arrive. Allocating
        // from the declared size would need a 2^31-element array and fail with OutOfMemoryError.
        String h = "{" + entry("huge", "F32", "[2147483647]", 0, 4L * Integer.MAX_VALUE) + "}";
        byte[] head = raw(h, 100);
        long declared = head.length - 100 + 4L * Integer.MAX_VALUE;
        InputStream in = new ByteArrayInputStream(head);
        String m = assertThrows(FoveaException.class, () -> Safetensors.read(in, declared, "w.safetensors")).getMessage();
        assertEquals("w.safetensors: truncated: the file ends inside tensor 'huge' (bytes [0, 8589934588) of the data buffer)", m);
        byte[] ok = Safetensors.toBytes(sample());
        String cut = assertThrows(FoveaException.class,
                () -> Safetensors.read(new ByteArrayInputStream(ok, 0, 20), ok.length, "w.safetensors")).getMessage();
        assertTrue(cut.contains("truncated: the file ends inside its"), cut);
    }

    @Test
    void readsTheIndependentFixture() throws IOException {
        byte[] bytes;
        try (InputStream in = SafetensorsTest.class.getResourceAsStream("fixture.safetensors")) {
            bytes = in.readAllBytes();
        }
        for (TensorFile f : List.of(Safetensors.read(bytes, "fixture"),
                Safetensors.read(new ByteArrayInputStream(bytes), bytes.length, "fixture"))) {
            checkFixture(f);
        }
    }

    /** The values make_fixtures.py wrote, recomputed here. */
    static void checkFixture(TensorFile f) {
        assertEquals(List.of("special", "conv1/kernel", "empty", "scalar", "conv1/bias"), new ArrayList<>(f.tensors().keySet()),
                "tensors come back in data order, not header order");
        assertBitsEqual(new Tensor(Shape.of(8), floats(SPECIAL_BITS)), f.get("special"));
        float[] k = new float[18];
        for (int i = 0; i < k.length; i++) k[i] = i * 0.25f - 2f;
        assertBitsEqual(new Tensor(Shape.of(3, 3, 1, 2), k), f.get("conv1/kernel"));
        assertEquals(-2f, f.get("conv1/kernel").get(0, 0, 0, 0));
        assertEquals(-1.75f, f.get("conv1/kernel").get(0, 0, 0, 1));
        assertEquals(-1.5f, f.get("conv1/kernel").get(0, 1, 0, 0));
        assertBitsEqual(Tensor.zeros(0, 4), f.get("empty"));
        assertBitsEqual(new Tensor(Shape.of(), new float[] {3.25f}), f.get("scalar"));
        assertBitsEqual(new Tensor(Shape.of(2), new float[] {0.5f, -1.5f}), f.get("conv1/bias"));
        assertEquals(Map.of("format", "fovea-fixture", "made_by", "make_fixtures.py"), f.metadata());
    }
}

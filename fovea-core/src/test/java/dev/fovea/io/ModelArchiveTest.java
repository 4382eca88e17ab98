package dev.fovea.io;

import dev.fovea.json.Json;
import dev.fovea.FoveaException;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelArchiveTest {
    @TempDir Path dir;

    private static final String MODEL_JSON = "{\n  \"format_version\": 1,\n  \"classes\": [\"cat\", \"dög\"]\n}\n";

    static Map<String, Tensor> weights() {
        SplittableRandom r = new SplittableRandom(3);
        float[] k = new float[3 * 3 * 1 * 4];
        for (int i = 0; i < k.length; i++) k[i] = (float) r.nextGaussian();
        Map<String, Tensor> w = new LinkedHashMap<>();
        w.put("conv1/kernel", new Tensor(Shape.of(3, 3, 1, 4), k));
        w.put("conv1/bias", new Tensor(Shape.of(4), new float[] {0.1f, -0.0f, Float.MIN_VALUE, Float.intBitsToFloat(0x7FC0BEEF)}));
        return w;
    }

    static ArchiveContents checkpoint() {
        return ArchiveContents.of(MODEL_JSON, new TensorFile(weights(), Map.of("fovea", "0.1")))
                .with(ArchiveEntry.TRAINING_JSON, "{\"epoch\": 3, \"rng\": [1, 2, 3]}")
                .with(ArchiveEntry.OPTIMIZER, TensorFile.of(Map.of("step", new Tensor(Shape.of(), new float[] {42f}))));
    }

    private String error(Path file) {
        return assertThrows(FoveaException.class, () -> ModelArchive.read(file)).getMessage();
    }

    private Path file(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    /** A zip built by the JDK's writer, entries as given (names not checked, which is the point). */
    static byte[] zip(Map<String, byte[]> entries, int method) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry ze = new ZipEntry(e.getKey());
                ze.setMethod(method);
                if (method == ZipEntry.STORED) {
                    CRC32 crc = new CRC32();
                    crc.update(e.getValue());
                    ze.setSize(e.getValue().length);
                    ze.setCrc(crc.getValue());
                }
                z.putNextEntry(ze);
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** The required entries plus {@code extra}, as a valid model would have them. */
    static Map<String, byte[]> validEntries() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("model.json", MODEL_JSON.getBytes(StandardCharsets.UTF_8));
        m.put("weights.safetensors", Safetensors.toBytes(TensorFile.of(weights())));
        return m;
    }

    private static void assertSameContents(ArchiveContents expected, ArchiveContents actual) {
        assertEquals(expected.entries(), actual.entries());
        assertEquals(expected.modelJson(), actual.modelJson());
        for (ArchiveEntry e : expected.entries()) {
            if (e.kind() == ArchiveEntry.Kind.JSON) {
                assertEquals(expected.json(e), actual.json(e));
            } else {
                TensorFile want = expected.tensors(e).orElseThrow();
                TensorFile got = actual.tensors(e).orElseThrow();
                assertEquals(new ArrayList<>(want.tensors().keySet()), new ArrayList<>(got.tensors().keySet()));
                want.tensors().forEach((name, t) -> SafetensorsTest.assertBitsEqual(t, got.get(name)));
                assertEquals(want.metadata(), got.metadata());
            }
        }
    }

    // ------------------------------------------------------------ round trips

    @Test
    void roundTripsACheckpoint() {
        Path p = dir.resolve("cnn.fovea");
        ArchiveContents c = checkpoint();
        ModelArchive.write(p, c);
        ArchiveContents back = ModelArchive.read(p);
        assertSameContents(c, back);
        assertEquals(p + ": model.json", back.where(ArchiveEntry.MODEL_JSON));
        assertEquals(List.of("cat", "dög"), Json.parseObject(back.modelJson(), back.where(ArchiveEntry.MODEL_JSON)).requireStringList("classes"));
    }

    @Test
    void roundTripsTheRequiredEntriesOnly() {
        Path p = dir.resolve("m.fovea");
        ModelArchive.write(p, MODEL_JSON, weights());
        ArchiveContents back = ModelArchive.read(p);
        assertEquals(List.of(ArchiveEntry.MODEL_JSON, ArchiveEntry.WEIGHTS), new ArrayList<>(back.entries()));
        assertSameContents(ArchiveContents.of(MODEL_JSON, weights()), back);
        assertTrue(back.json(ArchiveEntry.TRAINING_JSON).isEmpty());
    }

    @Test
    void savingTwiceGivesIdenticalBytes() throws IOException {
        Path a = dir.resolve("a.fovea");
        Path b = dir.resolve("b.fovea");
        ModelArchive.write(a, checkpoint());
        ModelArchive.write(b, checkpoint());
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        // Re-saving what was read, and streaming, give the same bytes too.
        ModelArchive.write(b, ModelArchive.read(a));
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelArchive.write(out, checkpoint());
        assertArrayEquals(Files.readAllBytes(a), out.toByteArray());
    }

    @Test
    void entriesAreStoredInFixedOrderWithFixedTimes() throws IOException {
        Path p = dir.resolve("m.fovea");
        ModelArchive.write(p, checkpoint());
        try (ZipFile z = new ZipFile(p.toFile())) {
            List<String> names = new ArrayList<>();
            z.stream().forEach(e -> {
                names.add(e.getName());
                assertEquals(ZipEntry.STORED, e.getMethod());
                assertEquals(java.time.LocalDateTime.of(1980, 2, 1, 0, 0), e.getTimeLocal());
                assertEquals(null, e.getExtra());
            });
            assertEquals(List.of("model.json", "weights.safetensors", "optimizer.safetensors", "training.json"), names);
        }
    }

    @Test
    void readsAnArchiveMadeByPythonZipfile() throws IOException {
        byte[] bytes;
        try (InputStream in = ModelArchiveTest.class.getResourceAsStream("fixture.fovea")) {
            bytes = in.readAllBytes();
        }
        ArchiveContents c = ModelArchive.read(file("fixture.fovea", bytes));
        assertEquals(1, Json.parseObject(c.modelJson(), "model.json").requireInt("format_version"));
        SafetensorsTest.checkFixture(c.weightsFile());
    }

    @Test
    void readsDeflatedEntriesFromOtherTools() throws IOException {
        Path p = file("deflated.fovea", zip(validEntries(), ZipEntry.DEFLATED));
        assertSameContents(ArchiveContents.of(MODEL_JSON, weights()), ModelArchive.read(p));
    }

    // ------------------------------------------------------------ hostile archives

    private String refused(String entryName) throws IOException {
        Map<String, byte[]> m = validEntries();
        m.put(entryName, "{}".getBytes(StandardCharsets.UTF_8));
        return error(file("evil.fovea", zip(m, ZipEntry.DEFLATED)));
    }

    @Test
    void refusesPathTricksNamingTheEntry() throws IOException {
        String f = dir.resolve("evil.fovea").toString();
        assertEquals(f + ": archive entry '../model.json' has a '..' path segment; refused", refused("../model.json"));
        assertEquals(f + ": archive entry 'a/../../x' has a '..' path segment; refused", refused("a/../../x"));
        assertEquals(f + ": archive entry '/etc/passwd' is an absolute path; refused", refused("/etc/passwd"));
        assertEquals(f + ": archive entry 'C:/model.json' is an absolute path; refused", refused("C:/model.json"));
        assertEquals(f + ": archive entry '..\\\\evil' contains a backslash; refused", refused("..\\evil"));
    }

    @Test
    void refusesEntriesOffTheAllowList() throws IOException {
        String f = dir.resolve("evil.fovea").toString();
        assertEquals(f + ": archive entry 'notes.txt' is not part of a Fovea model file "
                + "(allowed: model.json, weights.safetensors, optimizer.safetensors, training.json)", refused("notes.txt"));
        assertTrue(refused("sub/").contains("archive entry 'sub/' is not part of a Fovea model file"));
        assertTrue(refused("Model.json").contains("archive entry 'Model.json' is not part"));
        assertTrue(refused("line\nbreak").contains("archive entry 'line\\nbreak' is not part"));
    }

    @Test
    void refusesDuplicateEntries() throws IOException {
        Map<String, byte[]> m = validEntries();
        m.put("modeX.json", "{\"other\": true}".getBytes(StandardCharsets.UTF_8));
        byte[] z = zip(m, ZipEntry.STORED);
        // The JDK's writer will not write a duplicate, so rename the third entry by hand, in both
        // its local header and the central directory.
        replaceAll(z, "modeX.json", "model.json");
        assertEquals(dir.resolve("dup.fovea") + ": archive entry 'model.json' appears more than once", error(file("dup.fovea", z)));
    }

    @Test
    void refusesMissingRequiredEntries() throws IOException {
        Map<String, byte[]> m = validEntries();
        m.remove("weights.safetensors");
        assertEquals(dir.resolve("m.fovea") + ": not a Fovea model file (no weights.safetensors entry)",
                error(file("m.fovea", zip(m, ZipEntry.DEFLATED))));
        assertEquals(dir.resolve("e.fovea") + ": not a Fovea model file (no model.json entry)",
                error(file("e.fovea", zip(Map.of(), ZipEntry.DEFLATED))));
    }

    @Test
    void refusesOversizedEntriesByTheirHeader() throws IOException {
        Map<String, byte[]> m = validEntries();
        byte[] big = new byte[(16 << 20) + 1];
        Arrays.fill(big, (byte) ' ');
        big[0] = '1';
        m.put("model.json", big);
        assertEquals(dir.resolve("big.fovea") + ": model.json: entry is 16777217 bytes, over the 16 MiB limit",
                error(file("big.fovea", zip(m, ZipEntry.DEFLATED))));
    }

    @Test
    void stopsAZipBombWhileInflating() throws IOException {
        // 64 MB of spaces deflate to ~64 KB; the central directory then claims only 1000 bytes.
        Map<String, byte[]> m = validEntries();
        byte[] bomb = new byte[64 << 20];
        Arrays.fill(bomb, (byte) ' ');
        m.put("training.json", bomb);
        byte[] z = zip(m, ZipEntry.DEFLATED);
        assertTrue(z.length < (1 << 20));
        int cen = centralHeader(z, "training.json");
        ByteBuffer.wrap(z).order(ByteOrder.LITTLE_ENDIAN).putInt(cen + 24, 1000);
        assertEquals(dir.resolve("bomb.fovea") + ": training.json: entry inflates to more than its declared 1000 bytes "
                + "(corrupt archive, or a zip bomb)", error(file("bomb.fovea", z)));
    }

    @Test
    void refusesAnEntryShorterThanDeclared() throws IOException {
        byte[] z = zip(validEntries(), ZipEntry.DEFLATED);
        int cen = centralHeader(z, "model.json");
        ByteBuffer b = ByteBuffer.wrap(z).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(cen + 24, b.getInt(cen + 24) + 10);
        assertTrue(error(file("short.fovea", z)).endsWith(": model.json: entry is truncated ("
                + MODEL_JSON.getBytes(StandardCharsets.UTF_8).length + " of its declared "
                + (MODEL_JSON.getBytes(StandardCharsets.UTF_8).length + 10) + " bytes)"));
    }

    @Test
    void detectsCorruptDataByCrc() throws IOException {
        Path p = dir.resolve("m.fovea");
        ModelArchive.write(p, MODEL_JSON, weights());
        byte[] z = Files.readAllBytes(p);
        // The last weight's bytes sit just before the central directory; flipping one keeps the
        // safetensors structure valid, so only the CRC can notice.
        int at = centralHeader(z, "model.json") - 1;
        z[at] ^= 0x01;
        assertEquals(dir.resolve("c.fovea") + ": weights.safetensors: entry is corrupt (CRC-32 mismatch)", error(file("c.fovea", z)));
    }

    @Test
    void damageIsReportedAsDamageNotAsAMalformedEntry() throws IOException {
        Path p = dir.resolve("m.fovea");
        ModelArchive.write(p, MODEL_JSON, weights());
        byte[] whole = Files.readAllBytes(p);
        // Invalid UTF-8 in model.json, and a broken safetensors header: both are what damage
        // looks like, and the CRC says which it is.
        byte[] json = whole.clone();
        json[localData(json, "model.json") + 3] = (byte) 0xFF;
        assertEquals(dir.resolve("j.fovea") + ": model.json: entry is corrupt (CRC-32 mismatch)", error(file("j.fovea", json)));
        byte[] header = whole.clone();
        header[localData(header, "weights.safetensors") + 8] = '[';
        Path h = file("h.fovea", header);
        FoveaException e = assertThrows(FoveaException.class, () -> ModelArchive.read(h));
        assertEquals(dir.resolve("h.fovea") + ": weights.safetensors: entry is corrupt (CRC-32 mismatch)", e.getMessage());
        assertTrue(e.getSuppressed()[0].getMessage().contains("header does not start with '{'"));
    }

    @Test
    void refusesFilesThatAreNotZips() throws IOException {
        Path text = file("model.fovea", "{\"not\": \"a zip\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals(text + ": not a Fovea model file (not a zip archive, or truncated)", error(text));
        Path empty = file("empty.fovea", new byte[0]);
        assertEquals(empty + ": not a Fovea model file (not a zip archive, or truncated)", error(empty));
        assertEquals(dir.resolve("missing.fovea") + ": no such file", error(dir.resolve("missing.fovea")));
        assertEquals(dir + ": is a directory, not a Fovea model file", error(dir));
    }

    @Test
    void refusesEveryTruncation() throws IOException {
        Path p = dir.resolve("m.fovea");
        ModelArchive.write(p, checkpoint());
        byte[] whole = Files.readAllBytes(p);
        assertEquals(dir.resolve("cut.fovea") + ": not a Fovea model file (not a zip archive, or truncated)",
                error(file("cut.fovea", Arrays.copyOf(whole, whole.length - 1))));
        for (int n = 0; n < whole.length; n += (n > whole.length - 200 ? 1 : 37)) {
            Path cut = file("cut.fovea", Arrays.copyOf(whole, n));
            assertThrows(FoveaException.class, () -> ModelArchive.read(cut), "prefix of " + n + " bytes");
        }
    }

    @Test
    void corruptionNeverEscapesAsAnotherException() throws IOException {
        Path p = dir.resolve("m.fovea");
        ModelArchive.write(p, checkpoint());
        byte[] whole = Files.readAllBytes(p);
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 400; i++) {
            byte[] z = whole.clone();
            int flips = 1 + r.nextInt(3);
            for (int f = 0; f < flips; f++) z[r.nextInt(z.length)] ^= (byte) (1 + r.nextInt(255));
            Path bad = file("fuzz.fovea", z);
            try {
                ModelArchive.read(bad);
            } catch (FoveaException expected) {
                assertFalse(expected.getMessage().contains("\n"), expected.getMessage());
            }
        }
    }

    // ------------------------------------------------------------ failed saves

    @Test
    void aFailedSaveLeavesThePreviousFileAndNoTemporary() throws IOException {
        Path p = dir.resolve("m.fovea");
        ModelArchive.write(p, MODEL_JSON, weights());
        byte[] before = Files.readAllBytes(p);

        // The final rename fails (the target is now a non-empty directory).
        Path blocked = dir.resolve("blocked.fovea");
        Files.createDirectories(blocked.resolve("inside"));
        FoveaException e = assertThrows(FoveaException.class, () -> ModelArchive.write(blocked, checkpoint()));
        assertTrue(e.getMessage().startsWith(blocked + ": cannot save model ("), e.getMessage());
        assertTrue(e.getMessage().endsWith("); any previous file is unchanged"), e.getMessage());

        // Contents refused before writing.
        assertThrows(IllegalArgumentException.class, () -> ModelArchive.write(p, "{\"a\": }", weights()));
        assertThrows(FoveaException.class, () -> ModelArchive.write(p, "{}", Map.of("__metadata__", Tensor.zeros(1))));

        // Parent directory missing.
        assertTrue(assertThrows(FoveaException.class, () -> ModelArchive.write(dir.resolve("no/such/m.fovea"), checkpoint()))
                .getMessage().contains("directory does not exist"));

        assertArrayEquals(before, Files.readAllBytes(p));
        try (var files = Files.list(dir)) {
            assertEquals(List.of("blocked.fovea", "m.fovea"), files.map(f -> f.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void contentsKnowTheirKinds() {
        ArchiveContents c = ArchiveContents.of("{}", Map.of());
        assertThrows(IllegalArgumentException.class, () -> c.with(ArchiveEntry.OPTIMIZER, "{}"));
        assertThrows(IllegalArgumentException.class, () -> c.with(ArchiveEntry.TRAINING_JSON, TensorFile.of(Map.of())));
        assertThrows(IllegalArgumentException.class, () -> c.without(ArchiveEntry.WEIGHTS));
        assertEquals("model.json", c.where(ArchiveEntry.MODEL_JSON));
        assertFalse(checkpoint().without(ArchiveEntry.OPTIMIZER).entries().contains(ArchiveEntry.OPTIMIZER));
    }

    // ------------------------------------------------------------ zip surgery

    /** Offset of the central directory header naming {@code name}. */
    static int centralHeader(byte[] z, String name) {
        ByteBuffer b = ByteBuffer.wrap(z).order(ByteOrder.LITTLE_ENDIAN);
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i + 46 + n.length <= z.length; i++) {
            if (b.getInt(i) == 0x02014b50 && (b.getShort(i + 28) & 0xFFFF) == n.length
                    && Arrays.equals(z, i + 46, i + 46 + n.length, n, 0, n.length)) {
                return i;
            }
        }
        throw new AssertionError("no central header for " + name);
    }

    /** Offset of an entry's data, from its local header. */
    static int localData(byte[] z, String name) {
        ByteBuffer b = ByteBuffer.wrap(z).order(ByteOrder.LITTLE_ENDIAN);
        int loc = b.getInt(centralHeader(z, name) + 42);
        return loc + 30 + (b.getShort(loc + 26) & 0xFFFF) + (b.getShort(loc + 28) & 0xFFFF);
    }

    static void replaceAll(byte[] z, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.UTF_8);
        byte[] t = to.getBytes(StandardCharsets.UTF_8);
        int replaced = 0;
        for (int i = 0; i + f.length <= z.length; i++) {
            if (Arrays.equals(z, i, i + f.length, f, 0, f.length)) {
                System.arraycopy(t, 0, z, i, t.length);
                replaced++;
            }
        }
        assertEquals(2, replaced, "local and central header");
    }
}

package dev.fovea.keras.check;

import dev.fovea.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Keras conformance cases copied into the test resources (see keras2/ORIGIN.md and
 * keras3/ORIGIN.md) pass through the importer, and the runner fails a case whose output is wrong.
 */
class KerasConformanceTest {
    static Path resource(String name) {
        try {
            return Path.of(KerasConformanceTest.class.getResource("/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Path> cases() {
        return Stream.of("keras2", "keras2-generated", "keras3", "keras3-real").flatMap(d -> KerasConformance.discover(resource(d)).stream());
    }

    @Test void everyCopiedCaseIsFound() {
        assertEquals(34, KerasConformance.discover(resource("keras2")).size());
        assertEquals(5, KerasConformance.discover(resource("keras3")).size());
        assertEquals(1, KerasConformance.discover(resource("keras2-generated")).size());
        assertEquals(1, KerasConformance.discover(resource("keras3-real")).size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void casePasses(Path dir) {
        KerasConformance.Result r = KerasConformance.runOne(dir);
        assertTrue(r.passed(), r.name() + ": " + r.message());
        assertTrue(r.maxAbs() >= 0 && Double.isFinite(r.maxRel()), r.name() + " max abs " + r.maxAbs());
    }

    @Test void aWrongOutputFails(@TempDir Path tmp) throws IOException {
        Path dir = copyCase("keras2/weights_simpleconv2d", tmp);
        Tensor expected = Npy.read(dir.resolve("output.npy"));
        float[] f = expected.data().clone();
        f[3] += 1e-3f + 2e-4f * Math.abs(f[3]);   // just beyond atol + rtol |e|
        writeNpy(dir.resolve("output.npy"), expected.shape().toArray(), f);
        KerasConformance.Result r = KerasConformance.runOne(dir);
        assertFalse(r.passed());
        assertTrue(r.message().contains("element 3"), r.message());
        assertTrue(r.maxAbs() > 1e-3, "max abs " + r.maxAbs());
    }

    @Test void aWrongShapeFails(@TempDir Path tmp) throws IOException {
        Path dir = copyCase("keras2/tfkeras_misc_1", tmp);
        Tensor expected = Npy.read(dir.resolve("output.npy"));
        writeNpy(dir.resolve("output.npy"), new int[] {expected.size()}, expected.data());
        KerasConformance.Result r = KerasConformance.runOne(dir);
        assertFalse(r.passed());
        assertTrue(r.message().contains("shape"), r.message());
    }

    @Test void aMissingSecondOutputFails(@TempDir Path tmp) throws IOException {
        Path dir = copyCase("keras2/examples_12net", tmp);
        Files.delete(dir.resolve("output_1.npy"));
        KerasConformance.Result r = KerasConformance.runOne(dir);
        assertFalse(r.passed());
        assertTrue(r.message().contains("2 outputs"), r.message());
    }

    static Path copyCase(String name, Path tmp) throws IOException {
        Path src = resource(name), dst = tmp.resolve(src.getFileName().toString());
        Files.createDirectories(dst);
        try (Stream<Path> s = Files.list(src)) {
            for (Path f : s.toList()) Files.copy(f, dst.resolve(f.getFileName().toString()));
        }
        return dst;
    }

    static void writeNpy(Path file, int[] dims, float[] data) throws IOException {
        StringBuilder shape = new StringBuilder();
        for (int d : dims) shape.append(d).append(", ");
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + shape + "), }";
        int total = 10 + header.length() + 1;
        header = header + " ".repeat((64 - total % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.US_ASCII));
        for (float v : data) b.putFloat(v);
        Files.write(file, b.array());
    }

    @Test void npyReaderRefusesATruncatedFile(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("x.npy");
        writeNpy(f, new int[] {2, 3}, new float[6]);
        byte[] b = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(b, b.length - 4));
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.fovea.FoveaException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().contains("x.npy"), e.getMessage());
    }

    @Test void npyReaderReadsWhatNumpyLayoutHolds(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("y.npy");
        writeNpy(f, new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6});
        Tensor t = Npy.read(f);
        assertEquals(List.of(2, 3), List.of(t.dim(0), t.dim(1)));
        assertEquals(6f, t.data()[5]);
    }
}

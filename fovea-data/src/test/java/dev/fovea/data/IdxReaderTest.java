package dev.fovea.data;

import dev.fovea.FoveaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static dev.fovea.data.IdxTestFiles.gzip;
import static dev.fovea.data.IdxTestFiles.idx;
import static dev.fovea.data.IdxTestFiles.images;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxReaderTest {
    @TempDir Path tmp;

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(tmp.resolve(name), content);
    }

    private static String failure(Path file) {
        return assertThrows(FoveaException.class, () -> new IdxReader().read(file)).getMessage();
    }

    @Test
    void plainAndGzippedReadTheSame() throws IOException {
        byte[] plain = images(3, 4, 5);
        IdxArray a = new IdxReader().read(write("a", plain));
        IdxArray b = new IdxReader().read(write("b", gzip(plain)));
        assertArrayEquals(new int[] {3, 4, 5}, a.dims());
        assertArrayEquals(a.dims(), b.dims());
        assertArrayEquals(Arrays.copyOfRange(plain, 16, plain.length), a.values());
        assertArrayEquals(a.values(), b.values());
    }

    @Test
    void gzipIsRecognisedByContentNotName() throws IOException {
        byte[] plain = images(2, 2, 2);
        // A plain file called .gz and a gzipped file without the suffix both read.
        assertEquals(8, new IdxReader().read(write("plain.gz", plain)).values().length);
        assertEquals(8, new IdxReader().read(write("packed", gzip(plain))).values().length);
    }

    @Test
    void valuesAreUnsigned() {
        byte[] file = idx(new int[] {3}, new byte[] {0, (byte) 200, (byte) 255});
        IdxArray a = new IdxReader().read("mem", new ByteArrayInputStream(file));
        assertEquals(200, a.values()[1] & 0xFF);
        assertEquals(255, a.values()[2] & 0xFF);
    }

    @Test
    void truncatedPlainFileNamesExpectedAndFoundSizes() throws IOException {
        byte[] full = images(10, 28, 28);
        Path f = write("short", Arrays.copyOf(full, full.length - 100));
        String msg = failure(f);
        assertTrue(msg.startsWith(f + ": truncated"), msg);
        assertTrue(msg.contains("(10, 28, 28) = 7840 bytes of values, found 7740"), msg);
    }

    @Test
    void truncatedGzipFileIsReportedAsTruncated() throws IOException {
        byte[] gz = gzip(images(50, 28, 28));
        Path f = write("short.gz", Arrays.copyOf(gz, gz.length / 2));
        String msg = failure(f);
        assertTrue(msg.startsWith(f + ": truncated"), msg);
        assertTrue(msg.contains("= 39200 bytes of values, found "), msg);
    }

    @Test
    void gzipMissingOnlyItsTrailerIsTruncated() throws IOException {
        byte[] gz = gzip(images(2, 3, 3));
        Path f = write("notrailer.gz", Arrays.copyOf(gz, gz.length - 8));
        String msg = failure(f);
        assertTrue(msg.startsWith(f + ": truncated gzip data"), msg);
    }

    @Test
    void gzipCutInsideItsHeaderIsTruncated() throws IOException {
        Path f = write("stub.gz", new byte[] {0x1f, (byte) 0x8b, 8});
        assertEquals(f + ": truncated gzip data (the stream ends early)", failure(f));
    }

    @Test
    void corruptGzipIsNamed() throws IOException {
        byte[] gz = gzip(images(20, 28, 28));
        for (int i = 20; i < 60; i++) gz[i] ^= 0x5a;
        Path f = write("bad.gz", gz);
        String msg = failure(f);
        assertTrue(msg.startsWith(f + ": "), msg);
    }

    @Test
    void headerShorterThanItsDimensionsIsTruncated() throws IOException {
        byte[] full = images(1, 2, 2);
        Path f = write("head", Arrays.copyOf(full, 9));
        assertEquals(f + ": truncated IDX header: 3 dimensions need 16 header bytes, found 9", failure(f));
    }

    @Test
    void tinyOrEmptyFileIsRefused() throws IOException {
        Path f = write("empty", new byte[0]);
        assertTrue(failure(f).startsWith(f + ": 0 bytes is too short for an IDX header"), failure(f));
    }

    @Test
    void wrongMagicIsRefused() throws IOException {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 0};
        Path f = write("pic", png);
        assertEquals(f + ": not an IDX file (starts with 89 50 4e 47; IDX files start with 00 00 <type> <dimension count>)",
                failure(f));
    }

    @Test
    void wrongTypeByteSaysWhatWasFound() throws IOException {
        Path f = write("floats", idx(0x0D, new int[] {1}, new byte[] {0, 0, 0, 0}));
        assertEquals(f + ": IDX element type 0x0d (32-bit float); only 0x08 (unsigned byte) images and labels are accepted",
                failure(f));
    }

    @Test
    void dimensionCountMustBeOneToFour() throws IOException {
        Path zero = write("zero", idx(new int[0], new byte[0]));
        assertTrue(failure(zero).contains("declares 0 dimensions; accepted are 1 (labels) to 4 (images)"), failure(zero));
        Path five = write("five", idx(new int[] {1, 1, 1, 1, 1}, new byte[1]));
        assertTrue(failure(five).contains("declares 5 dimensions"), failure(five));
    }

    @Test
    void zeroDimensionIsRefused() throws IOException {
        Path f = write("zero-dim", idx(new int[] {5, 0, 28}, new byte[0]));
        assertEquals(f + ": dimension 1 of (5, 0, 28) is 0; every IDX dimension must be at least 1", failure(f));
    }

    @Test
    void absurdDimensionsAreRefusedBeforeAllocating() throws IOException {
        // 4294967295 x 65536 x 65536 would be 2^64 bytes: any attempt to allocate it would fail
        // with OutOfMemoryError or overflow, not with this message.
        Path f = write("huge", idx(new int[] {-1, 65536, 65536}, new byte[16]));
        assertEquals(f + ": IDX header declares (4294967295, 65536, 65536), more than the 268435456 values accepted;"
                + " the header is corrupt or the file is not a dataset", failure(f));
    }

    @Test
    void capIsConfigurable() {
        byte[] file = images(2, 10, 10);
        IdxReader small = new IdxReader(199);
        String msg = assertThrows(FoveaException.class, () -> small.read("mem", new ByteArrayInputStream(file))).getMessage();
        assertTrue(msg.contains("more than the 199 values accepted"), msg);
        assertEquals(200, new IdxReader(200).read("mem", new ByteArrayInputStream(file)).values().length);
    }

    @Test
    void largeClaimWithLittleDataIsTruncatedNotAllocated() {
        // Under the cap, but the data is absent: the reader must report sizes, having grown its
        // buffer only as far as the data went.
        byte[] file = idx(new int[] {250_000, 32, 32}, new byte[1000]);
        IdxReader reader = new IdxReader();
        long before = allocatedByThisThread();
        String msg = assertThrows(FoveaException.class,
                () -> reader.read("claim", new ByteArrayInputStream(file))).getMessage();
        long allocated = allocatedByThisThread() - before;
        assertEquals("claim: truncated: header declares (250000, 32, 32) = 256000000 bytes of values, found 1000", msg);
        assertTrue(allocated < 10_000_000, "allocated " + allocated + " bytes for 1000 bytes of data");
    }

    private static long allocatedByThisThread() {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        return threads.getCurrentThreadAllocatedBytes();
    }

    @Test
    void trailingDataIsRefused() throws IOException {
        byte[] plain = images(2, 2, 2);
        byte[] longer = Arrays.copyOf(plain, plain.length + 3);
        Path f = write("long", longer);
        assertEquals(f + ": unexpected data after the 8 values its header declares (2, 2, 2);"
                + " refusing a file that is not one IDX array", failure(f));
        Path g = write("long.gz", gzip(longer));
        assertTrue(failure(g).startsWith(g + ": unexpected data after"), failure(g));
    }

    @Test
    void missingFileIsNamed() {
        Path f = tmp.resolve("nope");
        assertEquals(f + ": no such file", failure(f));
    }
}

package dev.fovea.data;

import dev.fovea.FoveaException;
import dev.fovea.tensor.Shape;
import dev.fovea.train.Batch;
import dev.fovea.train.BatchIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Cifar10Test {
    @TempDir Path tmp;

    /** The pixel value of record r, channel c, position p, as the test files store it. */
    static int value(int r, int c, int p) {
        return (r * 31 + c * 101 + p * 7) & 0xFF;
    }

    /** CIFAR-10 records: label byte, then the R, G and B planes, row by row. */
    static byte[] records(int... labels) {
        byte[] b = new byte[labels.length * Cifar10.RECORD];
        for (int r = 0; r < labels.length; r++) {
            int base = r * Cifar10.RECORD;
            b[base] = (byte) labels[r];
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < 1024; p++) b[base + 1 + c * 1024 + p] = (byte) value(r, c, p);
            }
        }
        return b;
    }

    private Path folder() throws IOException {
        Files.write(tmp.resolve("data_batch_1.bin"), records(3, 9, 0));
        Files.write(tmp.resolve("data_batch_2.bin"), records(1));
        Files.write(tmp.resolve("test_batch.bin"), records(4, 5));
        return tmp;
    }

    @Test
    void planesBecomeChannelsLast() throws IOException {
        Path f = Files.write(tmp.resolve("data_batch_1.bin"), records(3, 9));
        Cifar10.Records r = Cifar10.read(List.of(f), 10);
        assertArrayEquals(new int[] {3, 9}, r.labels());
        // record 1, row 2, column 5, green
        int p = 2 * 32 + 5;
        assertEquals(value(1, 1, p), r.pixels()[(1 * 1024 + p) * 3 + 1] & 0xFF);
        assertEquals(value(0, 2, 1023), r.pixels()[1023 * 3 + 2] & 0xFF);
    }

    @Test
    void aFolderLoadsAndStreamsTheSameImages() throws IOException {
        DataSource src = DataSources.resolve(folder().toString());
        assertEquals("CIFAR-10 in " + tmp + " (2 training batches)", src.description());
        TrainTest tt = src.load();
        assertEquals(4, tt.train().size());
        assertEquals(Shape.of(32, 32, 3), tt.train().imageShape());
        assertEquals(Cifar10.CLASS_NAMES, tt.train().classNames());
        assertArrayEquals(new int[] {3, 9, 0, 1}, tt.train().labels());
        assertEquals(value(2, 0, 0) / 255f, tt.train().images().get(2, 0, 0, 0));
        try (Streams s = DataSources.open(src, DataOptions.defaults()); BatchIterator it = s.train().batches(0, 0, 4, false, 0)) {
            Batch b = it.next();
            assertArrayEquals(tt.train().images().data(), b.images().data());
            assertArrayEquals(tt.test().images().data(), s.testInMemory().images().data());
        }
    }

    @Test
    void theUnpackedArchiveFolderIsFoundAndMetaNamesTheClasses() throws IOException {
        Path inner = Files.createDirectory(tmp.resolve("cifar-10-batches-bin"));
        Files.write(inner.resolve("data_batch_1.bin"), records(0, 1));
        Files.write(inner.resolve("test_batch.bin"), records(2));
        Files.writeString(inner.resolve("batches.meta.txt"), "plane\ncar\nbird\n\n");
        TrainTest tt = DataSources.resolve(tmp.toString()).load();
        assertEquals(List.of("plane", "car", "bird"), tt.train().classNames());
        Files.writeString(inner.resolve("batches.meta.txt"), "plane\ncar\n");
        FoveaException e = assertThrows(FoveaException.class, () -> DataSources.resolve(tmp.toString()).load());
        assertEquals(inner.resolve("test_batch.bin") + ": record 0 has label 2, outside 0..1 (2 classes)", e.getMessage());
        Files.write(inner.resolve("batches.meta.txt"), new byte[] {(byte) 0xC3, 0x28});
        e = assertThrows(FoveaException.class, () -> DataSources.resolve(tmp.toString()).load());
        assertEquals(inner.resolve("batches.meta.txt") + ": not UTF-8 text; it should list one class name per line", e.getMessage());
    }

    @Test
    void aFileOfTheWrongSizeIsRefusedNamingItsSize() throws IOException {
        folder();
        byte[] b = records(1, 2);
        Files.write(tmp.resolve("data_batch_2.bin"), java.util.Arrays.copyOf(b, b.length - 100));
        FoveaException e = assertThrows(FoveaException.class, () -> DataSources.resolve(tmp.toString()).load());
        assertEquals(tmp.resolve("data_batch_2.bin") + ": 6046 bytes is not a whole number of CIFAR-10 records (3073 bytes each:"
                + " a label byte and 32x32x3 pixel bytes); the file is truncated or not CIFAR-10 binary", e.getMessage());
        Files.write(tmp.resolve("data_batch_2.bin"), new byte[0]);
        e = assertThrows(FoveaException.class, () -> DataSources.resolve(tmp.toString()).load());
        assertTrue(e.getMessage().startsWith(tmp.resolve("data_batch_2.bin") + ": 0 bytes is not a whole number"), e.getMessage());
        Files.write(tmp.resolve("data_batch_2.bin"), new byte[3074 * 2]);
        e = assertThrows(FoveaException.class, () -> DataSources.resolve(tmp.toString()).load());
        assertTrue(e.getMessage().endsWith("(CIFAR-100 binary, with 3074-byte records, is not supported)"), e.getMessage());
    }

    @Test
    void labelsOutsideTheClassesAndGapsAreRefused() throws IOException {
        folder();
        Files.write(tmp.resolve("data_batch_2.bin"), records(1, 10));
        FoveaException e = assertThrows(FoveaException.class, () -> DataSources.resolve(tmp.toString()).load());
        assertEquals(tmp.resolve("data_batch_2.bin") + ": record 1 has label 10, outside 0..9 (10 classes)", e.getMessage());
        Files.delete(tmp.resolve("data_batch_2.bin"));
        Files.write(tmp.resolve("data_batch_3.bin"), records(1));
        e = assertThrows(FoveaException.class, () -> DataSources.resolve(tmp.toString()));
        assertEquals(tmp + ": data_batch_3.bin is there but data_batch_2.bin is missing; training batches are numbered from 1 without gaps",
                e.getMessage());
        Files.delete(tmp.resolve("data_batch_3.bin"));
        Files.delete(tmp.resolve("test_batch.bin"));
        e = assertThrows(FoveaException.class, () -> DataSources.resolve(tmp.toString()));
        assertEquals(tmp + ": missing test_batch.bin; a CIFAR-10 folder holds data_batch_1.bin .. data_batch_5.bin and test_batch.bin"
                + " (the binary version)", e.getMessage());
    }

    @Test
    void resizingOptionsDoNotApply() throws IOException {
        folder();
        FoveaException e = assertThrows(FoveaException.class,
                () -> DataSources.resolve(tmp.toString(), null, DataOptions.defaults().imageSize(28, 28)));
        assertEquals(tmp + ": CIFAR-10 images are 32x32 RGB; image size and grayscale options do not apply", e.getMessage());
    }

    @Test
    void metaFileMustBeAList() throws IOException {
        Path meta = Files.writeString(tmp.resolve("m.txt"), "x".repeat(300), StandardCharsets.UTF_8);
        assertEquals(meta + ": not a list of class names (a name over 200 characters, or more than 256 names)",
                assertThrows(FoveaException.class, () -> Cifar10.readClassNames(meta)).getMessage());
        Files.writeString(meta, "\n \n");
        assertEquals(meta + ": lists no class names", assertThrows(FoveaException.class, () -> Cifar10.readClassNames(meta)).getMessage());
    }
}

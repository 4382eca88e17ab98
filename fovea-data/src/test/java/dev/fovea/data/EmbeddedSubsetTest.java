package dev.fovea.data;

import dev.fovea.tensor.Shape;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The subset inside the jar: what the README promises about it must hold. */
class EmbeddedSubsetTest {
    private static TrainTest data;

    @BeforeAll
    static void load() {
        data = DataSources.embedded().load();
    }

    @Test
    void countsAndShapes() {
        assertEquals(Shape.of(9000, 28, 28, 1), data.train().images().shape());
        assertEquals(Shape.of(2000, 28, 28, 1), data.test().images().shape());
        assertEquals(FashionMnist.CLASS_NAMES, data.train().classNames());
    }

    @Test
    void everyClassIsEquallyRepresented() {
        int[] train = new int[10];
        int[] test = new int[10];
        Arrays.fill(train, 900);
        Arrays.fill(test, 200);
        assertArrayEquals(train, data.train().classCounts());
        assertArrayEquals(test, data.test().classCounts());
    }

    @Test
    void classesAreInterleavedNotBlocked() {
        // The first 100 items already cover every class, so a prefix is a fair sample.
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) seen.add(data.train().label(i));
        assertEquals(10, seen.size());
    }

    @Test
    void pixelsSpanZeroToOne() {
        for (Dataset d : new Dataset[] {data.train(), data.test()}) {
            float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
            for (float v : d.images().data()) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            assertEquals(0f, min);
            assertEquals(1f, max);
        }
    }

    @Test
    void filesFitTheSizeBudget() throws IOException {
        long total = 0;
        for (String name : new String[] {DataSources.TRAIN_IMAGES, DataSources.TRAIN_LABELS,
                DataSources.TEST_IMAGES, DataSources.TEST_LABELS}) {
            try (InputStream in = DataSources.class.getResourceAsStream("fashion-mnist-subset/" + name + ".gz")) {
                assertNotNull(in, name);
                total += in.readAllBytes().length;
            }
        }
        assertTrue(total <= 5_000_000, total + " bytes");
        assertTrue(total >= 4_500_000, total + " bytes: the budget allows more training images");
    }

    @Test
    void trainComesFromTheOfficialTrainSplitAndTestFromTheTestSplit() {
        Path dir = FashionMnist.DEBIAN_DIR;
        Assumptions.assumeTrue(Files.isDirectory(dir), "Fashion-MNIST not installed");
        assertSubsetOf(data.train(), new IdxReader().read(dir.resolve("train-images-idx3-ubyte.gz")),
                new IdxReader().read(dir.resolve("train-labels-idx1-ubyte.gz")));
        assertSubsetOf(data.test(), new IdxReader().read(dir.resolve("t10k-images-idx3-ubyte.gz")),
                new IdxReader().read(dir.resolve("t10k-labels-idx1-ubyte.gz")));
    }

    /** Every (image, label) of the subset occurs in the official split. */
    private static void assertSubsetOf(Dataset subset, IdxArray images, IdxArray labels) {
        int px = 28 * 28;
        Set<ByteBuffer> official = new HashSet<>();
        byte[] all = images.values();
        for (int i = 0; i < images.dim(0); i++) {
            byte[] item = Arrays.copyOfRange(all, i * px, (i + 1) * px + 1);
            item[px] = labels.values()[i];
            official.add(ByteBuffer.wrap(item));
        }
        float[] data = subset.images().data();
        for (int i = 0; i < subset.size(); i++) {
            byte[] item = new byte[px + 1];
            for (int j = 0; j < px; j++) item[j] = (byte) Math.round(data[i * px + j] * 255f);
            item[px] = (byte) subset.label(i);
            assertTrue(official.contains(ByteBuffer.wrap(item)), "item " + i + " is not in " + images.source());
        }
    }
}

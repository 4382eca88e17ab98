package dev.fovea.data;

import dev.fovea.FoveaException;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.util.List;

import static dev.fovea.data.IdxTestFiles.idx;
import static dev.fovea.data.IdxTestFiles.images;
import static dev.fovea.data.IdxTestFiles.labels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class IdxDatasetsTest {
    private static final List<String> THREE = List.of("a", "b", "c");

    private static IdxArray read(String name, byte[] file) {
        return new IdxReader().read(name, new ByteArrayInputStream(file));
    }

    @Test
    void pixelsBecomeChannelsLastFloatsInUnitRange() {
        byte[] file = idx(new int[] {2, 1, 2}, new byte[] {0, (byte) 51, (byte) 255, (byte) 128});
        Dataset d = IdxDatasets.of(read("x", file), read("y", labels(2, 0)), THREE);
        assertEquals(Shape.of(2, 1, 2, 1), d.images().shape());
        assertArrayEquals(new float[] {0f, 0.2f, 1f, 128 / 255f}, d.images().data());
        assertArrayEquals(new int[] {2, 0}, d.labels());
        assertEquals(Shape.of(1, 2, 1), d.imageShape());
        assertArrayEquals(new float[] {1f, 128 / 255f}, d.image(1).data());
        assertArrayEquals(new int[] {1, 0, 1}, d.classCounts());
    }

    @Test
    void fourDimensionalImagesKeepTheirChannels() {
        byte[] file = idx(new int[] {1, 2, 2, 3}, new byte[12]);
        Dataset d = IdxDatasets.of(read("x", file), read("y", labels(1)), THREE);
        assertEquals(Shape.of(1, 2, 2, 3), d.images().shape());
    }

    @Test
    void countMismatchNamesBothFilesAndCounts() {
        String msg = assertThrows(FoveaException.class, () ->
                IdxDatasets.of(read("imgs.gz", images(3, 2, 2)), read("lbls.gz", labels(0, 1)), THREE)).getMessage();
        assertEquals("imgs.gz holds 3 images but lbls.gz holds 2 labels; they must be the same length", msg);
    }

    @Test
    void labelOutOfRangeNamesFileItemAndRange() {
        String msg = assertThrows(FoveaException.class, () ->
                IdxDatasets.of(read("imgs", images(3, 2, 2)), read("lbls", labels(0, 2, 3)), THREE)).getMessage();
        assertEquals("lbls: label 3 at item 2 is outside 0..2 (3 class names); give one class name per class", msg);
    }

    @Test
    void labelsMustBeOneDimensional() {
        String msg = assertThrows(FoveaException.class, () ->
                IdxDatasets.of(read("imgs", images(2, 2, 2)), read("lbls", images(2, 1, 1)), THREE)).getMessage();
        assertEquals("lbls: labels must be one dimension (N,), got (2, 1, 1)", msg);
    }

    @Test
    void imagesMustHaveThreeOrFourDimensions() {
        String msg = assertThrows(FoveaException.class, () ->
                IdxDatasets.of(read("imgs", labels(1, 2)), read("lbls", labels(0, 1)), THREE)).getMessage();
        assertEquals("imgs: images must be (N, H, W) or (N, H, W, C), got (2,)", msg);
    }

    @Test
    void datasetChecksItsOwnInvariants() {
        Tensor four = Tensor.zeros(2, 1, 1, 1);
        assertEquals("dataset has 2 images but 1 labels",
                assertThrows(FoveaException.class, () -> new Dataset(four, new int[] {0}, THREE)).getMessage());
        assertEquals("dataset label -1 at item 1 is outside 0..2 (3 class names)",
                assertThrows(FoveaException.class, () -> new Dataset(four, new int[] {0, -1}, THREE)).getMessage());
        assertEquals("dataset images must be (N, H, W, C), got (2, 1, 1)",
                assertThrows(FoveaException.class, () -> new Dataset(Tensor.zeros(2, 1, 1), new int[] {0, 0}, THREE)).getMessage());
    }

    @Test
    void trainAndTestMustAgree() {
        Dataset a = new Dataset(Tensor.zeros(1, 2, 2, 1), new int[] {0}, THREE);
        Dataset b = new Dataset(Tensor.zeros(1, 3, 2, 1), new int[] {0}, THREE);
        Dataset c = new Dataset(Tensor.zeros(1, 2, 2, 1), new int[] {0}, List.of("a", "b", "z"));
        assertEquals("training images are (2, 2, 1) but test images are (3, 2, 1); both splits must have the same image shape",
                assertThrows(FoveaException.class, () -> new TrainTest(a, b)).getMessage());
        assertThrows(FoveaException.class, () -> new TrainTest(a, c));
        assertEquals(a, new TrainTest(a, a).train());
    }
}

package dev.fovea.data;

import dev.fovea.FoveaException;
import dev.fovea.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** take, slice and select: a few images of a data set, with their labels and class names. */
class DatasetHelpersTest {
    private static Dataset five() {
        Tensor images = Tensor.zeros(5, 2, 2, 1);
        for (int i = 0; i < images.size(); i++) images.data()[i] = i;
        return new Dataset(images, new int[] {0, 1, 2, 1, 0}, List.of("a", "b", "c"));
    }

    @Test
    void takeSliceAndSelectCopyImagesWithTheirLabels() {
        Dataset d = five();
        Dataset first = d.take(2);
        assertEquals(2, first.size());
        assertArrayEquals(new int[] {0, 1}, first.labels());
        assertEquals(4f, first.images().get(1, 0, 0, 0));
        assertEquals(5, d.take(99).size());
        Dataset mid = d.slice(2, 4);
        assertArrayEquals(new int[] {2, 1}, mid.labels());
        assertEquals(8f, mid.images().get(0, 0, 0, 0));
        Dataset picked = d.select(4, 0, 4);
        assertArrayEquals(new int[] {0, 0, 0}, picked.labels());
        assertEquals(16f, picked.images().get(0, 0, 0, 0));
        assertEquals(List.of("a", "b", "c"), picked.classNames());
        assertEquals("c", d.className(2));
        mid.images().data()[0] = -1;
        assertEquals(8f, d.images().get(2, 0, 0, 0), "copies, not views");
        assertThrows(FoveaException.class, () -> d.slice(3, 6));
        assertThrows(FoveaException.class, () -> d.select(5));
    }
}

package dev.fovea.tensor;

import dev.fovea.nn.Dense;
import dev.fovea.nn.Flatten;
import dev.fovea.model.Sequential;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Printing, slicing and stacking tensors; predicting one example without a batch axis. */
class TensorTest {
    private static Tensor arange(int... dims) {
        Tensor t = Tensor.zeros(dims);
        for (int i = 0; i < t.size(); i++) t.data()[i] = i;
        return t;
    }

    @Test
    void toStringShowsValuesAsNumpyDoes() {
        Tensor t = Tensor.of(new float[] {0.5f, -1.25f, 3f, 0f, 10f, 2.125f}, 2, 3);
        assertEquals("""
                Tensor(2, 3)
                [[ 0.5000, -1.2500,  3.0000],
                 [ 0.0000, 10.0000,  2.1250]]""", t.toString());
        assertEquals("Tensor(2, 1, 2)\n[[[0.0000, 1.0000]],\n\n [[2.0000, 3.0000]]]", arange(2, 1, 2).toString());
    }

    @Test
    void largeTensorsAreSummarisedWithThreeEdgeItems() {
        String s = arange(2000).toString();
        assertEquals("Tensor(2000,)\n[   0.0000,    1.0000,    2.0000, ..., 1997.0000, 1998.0000, 1999.0000]", s);
        String grid = arange(40, 40).toString();
        assertEquals(7 + 1, grid.lines().count(), grid);   // header, three rows, "...", three rows
        assertEquals(" ...,", grid.lines().toList().get(4));
        // Tiny and huge magnitudes together switch to scientific notation.
        assertEquals("Tensor(2,)\n[1.0000e-06, 1.0000e+03]", Tensor.of(new float[] {1e-6f, 1000f}, 2).toString());
        assertEquals("Tensor(2,)\n[ nan, -inf]", Tensor.of(new float[] {Float.NaN, Float.NEGATIVE_INFINITY}, 2).toString());
    }

    @Test
    void sliceIndexAndStackAlongTheBatchAxis() {
        Tensor x = arange(4, 2, 3);
        Tensor s = x.slice(1, 3);
        assertEquals(Shape.of(2, 2, 3), s.shape());
        assertEquals(6f, s.get(0, 0, 0));
        Tensor one = x.index(3);
        assertEquals(Shape.of(2, 3), one.shape());
        assertEquals(18f, one.get(0, 0));
        one.set(-1f, 0, 0);
        assertEquals(18f, x.get(3, 0, 0), "index copies");
        Tensor back = Tensor.stack(List.of(x.index(0), x.index(1), x.index(2), x.index(3)));
        assertArrayEquals(x.data(), back.data());
        assertEquals(x.shape(), back.shape());
        assertThrows(IndexOutOfBoundsException.class, () -> x.slice(3, 5));
        assertThrows(IllegalArgumentException.class, () -> Tensor.stack(List.of(x.index(0), x)));
    }

    @Test
    void predictTakesOneExampleWithoutABatchAxis() {
        Sequential m = Sequential.of(new Flatten(), new Dense(3, "softmax"));
        m.build(2, 2, 1);
        Tensor x = arange(5, 2, 2, 1);
        Tensor batch = m.predict(x);
        Tensor one = m.predict(x.index(4));
        assertEquals(Shape.of(3), one.shape());
        assertArrayEquals(batch.index(4).data(), one.data(), 1e-6f);
        assertEquals(1, m.predictTopK(x.index(4), 2).size());
    }
}

package dev.fovea.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

class BufferTest {
    @Test
    void fourAlternatingBatchSizesReuseTheirTensors() {
        Buffer b = new Buffer();
        Shape example = Shape.of(3, 2);
        // training batches, the short last batch, validation chunks and the short last chunk
        int[] sizes = {128, 96, 10, 6};
        Tensor[] first = new Tensor[sizes.length];
        for (int i = 0; i < sizes.length; i++) first[i] = b.get(sizes[i], example);
        for (int epoch = 0; epoch < 3; epoch++) {
            for (int i = 0; i < sizes.length; i++) {
                assertSame(first[i], b.get(sizes[i], example), "batch " + sizes[i] + " reuses its tensor");
                assertSame(first[i], b.get(example.withBatch(sizes[i])));
            }
        }
        assertEquals(Shape.of(10, 3, 2), first[2].shape());
    }

    @Test
    void aFifthShapeEvictsTheLeastRecentlyUsed() {
        Buffer b = new Buffer();
        Shape example = Shape.of(4);
        Tensor t1 = b.get(1, example), t2 = b.get(2, example), t3 = b.get(3, example), t4 = b.get(4, example);
        assertSame(t1, b.get(1, example));          // 1 is now the most recent; 2 the least
        Tensor t5 = b.get(5, example);               // evicts 2
        assertSame(t1, b.get(1, example));
        assertSame(t3, b.get(3, example));
        assertSame(t4, b.get(4, example));
        assertSame(t5, b.get(5, example));
        assertNotSame(t2, b.get(2, example));
    }
}

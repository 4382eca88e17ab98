package dev.fovea.data.pipeline;

import dev.fovea.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class CachedExamplesTest {
    @Test
    void theFirstExamplesWithinTheBudgetAreKept() {
        Tensor x = StreamingDataTest.images(50, 3, 3, 2, 1);   // 18 floats = 72 bytes each
        CachedExamples c = Examples.cached(Examples.of(x, new int[50]), 72 * 20 + 71);
        assertEquals(20, c.capacity());
        float[] out = new float[18];
        for (int pass = 0; pass < 3; pass++) {
            for (int i = 0; i < 50; i++) {
                c.read(i, out, 0);
                assertArrayEquals(java.util.Arrays.copyOfRange(x.data(), i * 18, (i + 1) * 18), out);
            }
        }
        assertEquals(40, c.hits());            // passes 2 and 3 over the first 20
        assertEquals(50 + 30 + 30, c.misses());
        assertEquals(0, Examples.cached(Examples.of(x, new int[50]), 0).capacity());
        assertEquals(50, Examples.cached(Examples.of(x, new int[50]), Long.MAX_VALUE).capacity());
    }

    @Test
    void concurrentReadersGetTheSameValues() throws Exception {
        Tensor x = StreamingDataTest.images(64, 8, 8, 3, 2);
        CachedExamples c = Examples.cached(Examples.of(x, new int[64]), Long.MAX_VALUE);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                fs.add(pool.submit(() -> {
                    float[] out = new float[192];
                    for (int k = 0; k < 2000; k++) {
                        int i = (k * 31 + seed * 7) % 64;
                        c.read(i, out, 0);
                        assertArrayEquals(java.util.Arrays.copyOfRange(x.data(), i * 192, (i + 1) * 192), out);
                    }
                }));
            }
            for (Future<?> f : fs) f.get();
        } finally {
            pool.shutdown();
        }
        assertEquals(8000, c.hits() + c.misses());
    }
}

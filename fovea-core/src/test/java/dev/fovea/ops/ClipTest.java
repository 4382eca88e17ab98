package dev.fovea.ops;

import dev.fovea.gradcheck.TestData;
import dev.fovea.tensor.VectorSupport;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Clip (ReLU6 and friends): the parallel, vector and plain paths equal the definition, element by element. */
class ClipTest {
    @Test
    void everyPathEqualsTheDefinition() {
        for (int size : new int[] {1, 15, 17, 100_003}) {   // below, around and far past one vector and one chunk
            float[] x = TestData.uniform(new SplittableRandom(size), size, 10);
            x[0] = Float.NaN;
            if (size > 2) { x[1] = 0f; x[2] = 6f; }
            float[] expected = new float[size];
            for (int i = 0; i < size; i++) expected[i] = Float.isNaN(x[i]) ? Float.NaN : x[i] < 0f ? 0f : x[i] > 6f ? 6f : x[i];

            float[] y = TestData.filled(size, -1f);
            PiecewiseOp.forward(PiecewiseOp.Kind.CLIP, y, x, size, 0f, 6f);
            assertSame("routed", expected, y);
            float[] plain = TestData.filled(size, -1f);
            Clip.range(plain, x, 0, size, 0f, 6f);
            assertSame("plain", expected, plain);
            if (VectorSupport.available()) {
                float[] vec = TestData.filled(size, -1f);
                ClipVector.range(vec, x, 0, size, 0f, 6f);
                assertSame("vector", expected, vec);
            }
        }
    }

    private static void assertSame(String what, float[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 0f, what + " element " + i + " of " + expected.length);
        }
    }
}

package dev.fovea.data.pipeline;

import dev.fovea.FoveaException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SplitTest {
    /** 3 classes of 100, 30 and 1 examples, interleaved. */
    static int[] labels() {
        int[] y = new int[131];
        for (int i = 0; i < 131; i++) y[i] = i == 130 ? 2 : i % 13 < 3 ? 1 : 0;
        return y;
    }

    @Test
    void stratifiedSplitKeepsEachClassInProportion() {
        int[] y = labels();
        int[] counts = new int[3];
        for (int v : y) counts[v]++;
        Split s = Split.of(y, 0.2, 7, true);
        int[] inValidation = new int[3];
        for (int i : s.validation()) inValidation[y[i]]++;
        for (int c = 0; c < 3; c++) {
            assertEquals(Math.min(Math.round(counts[c] * 0.2), Math.max(0, counts[c] - 1)), inValidation[c], "class " + c);
        }
        assertEquals(0, inValidation[2], "a class of one keeps it for training");
        assertPartition(s, y.length);
        assertEquals(s, Split.of(y, 0.2, 7, true));
        assertNotEquals(s, Split.of(y, 0.2, 8, true));
    }

    @Test
    void plainSplitHoldsOutTheFraction() {
        Split s = Split.of(labels(), 0.25, 3, false);
        assertEquals(Math.round(131 * 0.25), s.validation().length);
        assertPartition(s, 131);
        assertEquals(131, Split.of(labels(), 0, 3, false).train().length);
        assertThrows(FoveaException.class, () -> Split.of(labels(), 1.0, 3, true));
    }

    private static void assertPartition(Split s, int n) {
        int[] all = IntStream.concat(Arrays.stream(s.train()), Arrays.stream(s.validation())).sorted().toArray();
        assertTrue(Arrays.equals(IntStream.range(0, n).toArray(), all), "train and validation are a partition");
        assertTrue(Arrays.equals(s.train(), Arrays.stream(s.train()).sorted().toArray()));
    }
}

package dev.fovea.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SampleStatsTest {
    @Test
    void quartilesInterpolateAsNumpyLinear() {
        // numpy.percentile([4, 1, 3, 2], [0, 25, 50, 75, 100]) == [1, 1.75, 2.5, 3.25, 4]
        SampleStats s = SampleStats.of(new double[] {4, 1, 3, 2});
        assertEquals(1, s.min());
        assertEquals(1.75, s.q1(), 1e-12);
        assertEquals(2.5, s.median(), 1e-12);
        assertEquals(3.25, s.q3(), 1e-12);
        assertEquals(4, s.max());
        assertEquals(4, s.n());
    }

    @Test
    void oneSampleIsItsOwnSpread() {
        SampleStats s = SampleStats.of(new double[] {7}).scaled(2);
        assertEquals(14, s.median());
        assertEquals(14, s.q1());
        assertEquals(14, s.max());
    }
}

package dev.fovea.bench;

import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * GFLOP done by a benchmark, which JMH reports per second as the secondary result {@code gflop}
 * (it turns an OPERATIONS counter into a rate). Shared by the GEMM and convolution benchmarks.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class GflopCounter {
    public double gflop;

    @Setup(Level.Iteration)
    public void reset() { gflop = 0; }

    /** size floats uniform in [-1, 1) from rnd: the operands of every benchmark here. */
    static float[] randomFloats(SplittableRandom rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (float) rnd.nextDouble(-1, 1);
        return x;
    }
}

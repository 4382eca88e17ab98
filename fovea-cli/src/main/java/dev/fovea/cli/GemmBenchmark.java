package dev.fovea.cli;

import dev.fovea.ops.gemm.Gemm;

import java.util.SplittableRandom;

/**
 * Speed of {@link Gemm#gemm} on square row-major float matrices, C(n, n) = A(n, n) · B(n, n),
 * counted as 2n³ FLOPs per call. A repetition is one untimed call, then a window of calls
 * calibrated during warm-up to about {@code repSeconds}.
 */
final class GemmBenchmark {
    private final int n;
    private final double repSeconds;
    private final float[] a, b, c;   // (n, n) each
    private int calls = 1;

    GemmBenchmark(int n, double repSeconds, long seed) {
        if (n < 1 || (long) n * n > Integer.MAX_VALUE) throw new CliException("--gemm must be between 1 and 46340, got " + n);
        this.n = n;
        this.repSeconds = repSeconds;
        SplittableRandom rng = new SplittableRandom(seed);
        a = random(n * n, rng);
        b = random(n * n, rng);
        c = new float[n * n];
    }

    int n() { return n; }

    int calls() { return calls; }

    double flopsPerCall() { return 2.0 * n * n * n; }

    WarmupPolicy.Result warmUp(WarmupPolicy policy) {
        return policy.run(() -> {
            double[] r = repetition();
            double seconds = flopsPerCall() / (r[0] * 1e9);
            calls = (int) Math.max(1, Math.min(100_000, Math.ceil(repSeconds / seconds)));
            return new double[] {r[0]};
        });
    }

    /** {GFLOP/s, bytes allocated per call (NaN when unknown)} of one window. */
    double[] repetition() {
        call();
        long a0 = AllocationCounter.totalBytes(), t0 = System.nanoTime();
        for (int i = 0; i < calls; i++) call();
        long t1 = System.nanoTime(), a1 = AllocationCounter.totalBytes();
        double gflops = flopsPerCall() * calls / ((t1 - t0) / 1e9) / 1e9;
        return new double[] {gflops, a0 < 0 ? Double.NaN : (double) (a1 - a0) / calls};
    }

    private void call() {
        Gemm.gemm(false, false, n, n, n, a, 0, n, b, 0, n, 0f, c, 0, n);
    }

    private static float[] random(int size, SplittableRandom rng) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (float) (rng.nextDouble() * 2 - 1);
        return x;
    }
}

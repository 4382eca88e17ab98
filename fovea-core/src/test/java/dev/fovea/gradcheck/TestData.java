package dev.fovea.gradcheck;

import java.util.SplittableRandom;

/**
 * Random test inputs as float32 (what the ops consume), plus their exact double copies for the
 * double-precision references. Special distributions keep finite differences away from the
 * places where an op is not differentiable.
 */
public final class TestData {
    private TestData() {}

    /** Uniform in [-scale, scale). */
    public static float[] uniform(SplittableRandom rng, int size, double scale) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) a[i] = (float) ((rng.nextDouble() * 2 - 1) * scale);
        return a;
    }

    /**
     * Values with |v| in [0.1, 1.1): ReLU's kink at 0 stays at least 0.1 away, far beyond the
     * finite-difference step, so the one-sided derivatives never mix.
     */
    public static float[] awayFromZero(SplittableRandom rng, int size) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
            double m = 0.1 + rng.nextDouble();
            a[i] = (float) (rng.nextBoolean() ? m : -m);
        }
        return a;
    }

    /**
     * A shuffled ladder of values at least 0.008 apart: no two inputs tie, so every max-pooling
     * window has a unique winner and a perturbation of 1e-6 can never change which one.
     */
    public static float[] distinct(SplittableRandom rng, int size) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) order[i] = i;
        for (int i = size - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        float[] a = new float[size];
        for (int i = 0; i < size; i++) a[i] = (float) ((order[i] - size / 2.0) * 0.01 + rng.nextDouble() * 0.002);
        return a;
    }

    public static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    public static float[] filled(int size, float v) {
        float[] a = new float[size];
        java.util.Arrays.fill(a, v);
        return a;
    }

    /** after - before, in double, for checking what an accumulating backward added. */
    public static float[] added(float[] after, float[] before) {
        float[] d = new float[after.length];
        for (int i = 0; i < after.length; i++) d[i] = (float) ((double) after[i] - before[i]);
        return d;
    }
}

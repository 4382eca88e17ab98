package dev.fovea.gradcheck;

import java.util.function.ToDoubleFunction;

/**
 * Central finite differences in double precision: dL/dp_i ≈ (L(p + h e_i) - L(p - h e_i)) / 2h.
 * With h = 1e-6 the truncation error is O(h²) ≈ 1e-12 times the third derivative and the rounding
 * error about 1e-16 · |L| / h ≈ 1e-10 · |L|: both far below the 1e-4 the float32 ops are held to.
 */
public final class FiniteDifferences {
    public static final double H = 1e-6;

    private FiniteDifferences() {}

    /**
     * The gradient of loss at the point p (every component). p is perturbed in place and restored;
     * loss must read p afresh on every call.
     */
    public static double[] gradient(ToDoubleFunction<double[]> loss, double[] p) {
        double[] g = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            double saved = p[i];
            p[i] = saved + H;
            double plus = loss.applyAsDouble(p);
            p[i] = saved - H;
            double minus = loss.applyAsDouble(p);
            p[i] = saved;
            g[i] = (plus - minus) / (2 * H);
        }
        return g;
    }
}

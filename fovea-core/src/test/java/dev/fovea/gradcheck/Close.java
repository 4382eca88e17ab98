package dev.fovea.gradcheck;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Comparisons of Fovea's float32 results with double-precision references.
 *
 * <p>Gradient checks use an error relative to the scale of the whole expected array,
 * max_i |a_i - e_i| <= rtol · max_j |e_j|: a float32 backward sums many terms, so its error is
 * proportional to the size of those terms, not to the (possibly cancelled) element itself.
 * Golden checks use numpy's allclose rule |a - e| <= atol + rtol · |e| per element.
 */
public final class Close {
    /** Relative tolerance of every float32-versus-double check: ~1000 float32 ulps. */
    public static final double RTOL = 1e-4;
    /** Absolute floor of the golden (allclose) checks. */
    public static final double ATOL = 1e-5;

    private Close() {}

    /** max_i |a_i - e_i| <= RTOL · max|e|; expected must not be all zeros (that check could not fail usefully). */
    public static void scaled(String what, float[] actual, double[] expected) {
        scaled(what, actual, expected, RTOL);
    }

    public static void scaled(String what, float[] actual, double[] expected, double rtol) {
        sameLength(what, actual.length, expected.length);
        double scale = maxAbs(expected);
        if (!(scale > 0)) fail(what + ": the expected values are all zero or not finite; the check would be vacuous");
        int worst = 0;
        double worstErr = -1;
        for (int i = 0; i < actual.length; i++) {
            double err = Math.abs(actual[i] - expected[i]);
            if (Double.isNaN(err)) {
                worst = i;
                worstErr = err;
                break;
            }
            if (err > worstErr) {
                worst = i;
                worstErr = err;
            }
        }
        // '!(err <= bound)' so that a NaN fails too.
        if (!(worstErr <= rtol * scale)) {
            fail(String.format("%s: element %d is %.9g, expected %.9g (error %.3g > %.1g x scale %.4g)",
                    what, worst, actual[worst], expected[worst], worstErr, rtol, scale));
        }
    }

    /** numpy allclose: |a_i - e_i| <= ATOL + RTOL · |e_i| for every i. */
    public static void allClose(String what, float[] actual, double[] expected) {
        sameLength(what, actual.length, expected.length);
        for (int i = 0; i < actual.length; i++) {
            double err = Math.abs(actual[i] - expected[i]);
            if (!(err <= ATOL + RTOL * Math.abs(expected[i]))) {
                fail(String.format("%s: element %d is %.9g, expected %.9g (error %.3g > %.0e + %.0e x |expected|)",
                        what, i, actual[i], expected[i], err, ATOL, RTOL));
            }
        }
    }

    public static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    private static void sameLength(String what, int actual, int expected) {
        if (actual != expected) fail(what + ": " + actual + " values, expected " + expected);
    }
}

package dev.fovea.gradcheck;

import dev.fovea.gradcheck.DoubleOps.Axis;
import dev.fovea.gradcheck.DoubleOps.Window;
import dev.fovea.ops.Conv2DOp;
import dev.fovea.ops.Padding;
import dev.fovea.ops.TanhOp;
import dev.fovea.ops.WindowGeometry;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The checks themselves can fail: the comparisons reject errors just above their tolerance, NaN
 * and vacuous expectations; finite differences are accurate far below that tolerance; and
 * realistic mistakes (a wrong derivative, "same" padding placed on the wrong side) are caught.
 */
class CheckerSelfTest {
    private static final SplittableRandom RNG = new SplittableRandom(99);

    @Test
    void scaledComparisonHasItsStatedTolerance() {
        double[] expected = TestData.toDouble(TestData.uniform(RNG, 50, 2));
        double scale = Close.maxAbs(expected);
        float[] actual = toFloat(expected);
        assertDoesNotThrow(() -> Close.scaled("exact", actual, expected));

        float[] justInside = actual.clone();
        justInside[17] = (float) (expected[17] + 0.5 * Close.RTOL * scale);
        assertDoesNotThrow(() -> Close.scaled("half the tolerance", justInside, expected));

        float[] justOutside = actual.clone();
        justOutside[17] = (float) (expected[17] + 2 * Close.RTOL * scale);
        assertThrows(AssertionFailedError.class, () -> Close.scaled("twice the tolerance", justOutside, expected));

        float[] nan = actual.clone();
        nan[3] = Float.NaN;
        assertThrows(AssertionFailedError.class, () -> Close.scaled("NaN", nan, expected));
        assertThrows(AssertionFailedError.class, () -> Close.scaled("all zero", new float[4], new double[4]));
        assertThrows(AssertionFailedError.class, () -> Close.scaled("length", new float[3], expected));
    }

    @Test
    void allCloseHasItsStatedTolerance() {
        double[] expected = {1.0, -3.0, 0.0};
        assertDoesNotThrow(() -> Close.allClose("inside", new float[]{1.00005f, -3.0002f, 5e-6f}, expected));
        assertThrows(AssertionFailedError.class, () -> Close.allClose("relative", new float[]{1.0002f, -3f, 0f}, expected));
        assertThrows(AssertionFailedError.class, () -> Close.allClose("absolute", new float[]{1f, -3f, 2e-5f}, expected));
    }

    @Test
    void finiteDifferencesAreFarMoreAccurateThanTheTolerance() {
        // L(p) = Σ w_i sin(p_i) + (Σ p_i)^3 / 3, so dL/dp_i = w_i cos(p_i) + (Σ p)^2.
        double[] w = TestData.toDouble(TestData.uniform(RNG, 20, 1));
        double[] p = TestData.toDouble(TestData.uniform(RNG, 20, 1));
        double sum = 0;
        for (double v : p) sum += v;
        double[] fd = FiniteDifferences.gradient(q -> {
            double s = 0, t = 0;
            for (int i = 0; i < q.length; i++) {
                s += w[i] * Math.sin(q[i]);
                t += q[i];
            }
            return s + t * t * t / 3;
        }, p.clone());
        for (int i = 0; i < p.length; i++) {
            double exact = w[i] * Math.cos(p[i]) + sum * sum;
            assertEquals(exact, fd[i], 1e-8 * Math.max(1, Math.abs(exact)), "component " + i);
        }
    }

    @Test
    void aWrongDerivativeIsCaught() {
        float[] x = TestData.uniform(RNG, 30, 2);
        float[] y = new float[x.length];
        TanhOp.forward(y, x, x.length);
        float[] w = TestData.uniform(RNG, x.length, 1);
        double[] wd = TestData.toDouble(w);
        double[] expected = FiniteDifferences.gradient(p -> DoubleOps.dot(wd, DoubleOps.tanh(p)), TestData.toDouble(x));
        float[] right = new float[x.length];
        TanhOp.backward(right, w, y, x.length);
        assertDoesNotThrow(() -> Close.scaled("tanh'", right, expected));
        float[] wrong = new float[x.length];
        for (int i = 0; i < x.length; i++) wrong[i] = w[i] * (1 - Math.abs(y[i]));   // 1 - |y| instead of 1 - y²
        assertThrows(AssertionFailedError.class, () -> Close.scaled("tanh' with 1 - |y|", wrong, expected));
    }

    @Test
    void samePaddingOnTheWrongSideIsCaught() {
        // A 2x2 kernel with "same" pads one row and one column, after the input in TensorFlow.
        int n = 1, h = 5, w = 5, c = 2, f = 3;
        Window win = new Window(2, 2, 1, 1, true);
        float[] x = TestData.uniform(RNG, n * h * w * c, 1);
        float[] kernel = TestData.uniform(RNG, 2 * 2 * c * f, 1);
        float[] out = new float[n * h * w * f];
        new Conv2DOp().forward(out, x, kernel, null, n, c, f, WindowGeometry.of(h, w, 2, 2, 1, 1, Padding.SAME, "self test"));
        double[] xd = TestData.toDouble(x), kd = TestData.toDouble(kernel);
        assertDoesNotThrow(() -> Close.scaled("TF placement", out, DoubleOps.conv2d(xd, n, h, w, c, kd, null, f, win)));
        Axis before = new Axis(h, 1, 0);
        assertThrows(AssertionFailedError.class,
                () -> Close.scaled("padding before", out, DoubleOps.conv2d(xd, n, h, w, c, kd, null, f, win, before, before)));
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) f[i] = (float) a[i];
        return f;
    }
}

package dev.fovea.ops;

import dev.fovea.gradcheck.Close;
import dev.fovea.gradcheck.DoubleOps;
import dev.fovea.gradcheck.FiniteDifferences;
import dev.fovea.gradcheck.TestData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

/** Tier 1 for {@link DenseOp}: dx, dKernel and dBias against central differences of y = x·W + b in double. */
class DenseGradientCheckTest {
    @ParameterizedTest(name = "n={0} in={1} units={2} bias={3}")
    @CsvSource({"3, 5, 4, true", "1, 7, 3, true", "4, 6, 1, false", "2, 1, 3, true", "5, 16, 10, true"})
    void denseMatchesFiniteDifferences(int n, int in, int units, boolean useBias) {
        SplittableRandom rng = new SplittableRandom(31L * n + 7L * in + units);
        float[] x = TestData.uniform(rng, n * in, 1);                 // (N, I)
        float[] kernel = TestData.uniform(rng, in * units, 1);        // (I, U)
        float[] bias = useBias ? TestData.uniform(rng, units, 1) : null;   // (U)
        float[] w = TestData.uniform(rng, n * units, 1);              // dL/dy (N, U)
        double[] xd = TestData.toDouble(x), kd = TestData.toDouble(kernel), wd = TestData.toDouble(w);
        double[] bd = useBias ? TestData.toDouble(bias) : null;

        DenseOp op = new DenseOp();
        float[] y = new float[n * units];
        op.forward(y, x, kernel, bias, n, in, units);
        Close.scaled("forward", y, DoubleOps.dense(xd, n, in, kd, bd, units));

        // dx overwritten; dKernel, dBias accumulated onto non-zero starting values.
        float[] dx = TestData.filled(x.length, Float.NaN);
        float[] kernelPrior = TestData.uniform(rng, kernel.length, 1);
        float[] dKernel = kernelPrior.clone();
        float[] biasPrior = useBias ? TestData.uniform(rng, units, 1) : null;
        float[] dBias = useBias ? biasPrior.clone() : null;
        op.backward(dx, dKernel, dBias, w, x, kernel, n, in, units);

        Close.scaled("dx", dx, FiniteDifferences.gradient(
                p -> DoubleOps.dot(wd, DoubleOps.dense(p, n, in, kd, bd, units)), xd.clone()));
        Close.scaled("dKernel", TestData.added(dKernel, kernelPrior), FiniteDifferences.gradient(
                p -> DoubleOps.dot(wd, DoubleOps.dense(xd, n, in, p, bd, units)), kd.clone()));
        if (useBias) {
            Close.scaled("dBias", TestData.added(dBias, biasPrior), FiniteDifferences.gradient(
                    p -> DoubleOps.dot(wd, DoubleOps.dense(xd, n, in, kd, p, units)), bd.clone()));
        }
    }
}

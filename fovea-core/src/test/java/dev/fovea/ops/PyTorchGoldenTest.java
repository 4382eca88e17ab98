package dev.fovea.ops;

import dev.fovea.gradcheck.Close;
import dev.fovea.ops.GoldenFixtures.Case;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tier 2: forward and every gradient of Fovea's ops against values PyTorch computed in float64
 * from the same float32 inputs (fixtures made by scripts/golden/make_fixtures.py, already in
 * Fovea's NHWC / HWIO layouts). Tolerance: numpy's allclose with rtol 1e-4, atol 1e-5.
 */
class PyTorchGoldenTest {
    static List<Case> conv() { return GoldenFixtures.load("conv2d.txt"); }
    static List<Case> maxPool() { return GoldenFixtures.load("maxpool2d.txt"); }
    static List<Case> avgPool() { return GoldenFixtures.load("avgpool2d.txt"); }
    static List<Case> dense() { return GoldenFixtures.load("dense.txt"); }
    static List<Case> crossEntropy() { return GoldenFixtures.load("softmax_cross_entropy.txt"); }

    /** Guards against a truncated or emptied fixture file silently testing less. */
    @Test
    void everyFixtureFileHasAllItsCases() {
        assertEquals(13, conv().size(), "conv2d cases");
        assertEquals(11, maxPool().size(), "max pooling cases (two with ties)");
        assertEquals(9, avgPool().size(), "average pooling cases");
        assertEquals(5, dense().size(), "dense cases");
        assertEquals(5, crossEntropy().size(), "softmax cross-entropy cases");
        assertTrue(conv().stream().anyMatch(c -> c.s("padding").equals("same")) && conv().stream().anyMatch(c -> !c.has("bias")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conv")
    void conv2dOpMatchesPyTorch(Case k) {
        checkConv(k, true);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conv")
    void conv2dReferenceMatchesPyTorch(Case k) {
        checkConv(k, false);
    }

    private static void checkConv(Case k, boolean fast) {
        int n = k.i("n"), h = k.i("h"), w = k.i("w"), c = k.i("c"), f = k.i("f"), kh = k.i("kh"), kw = k.i("kw");
        WindowGeometry g = geometry(k, kh, kw);
        int oh = g.outH(), ow = g.outW();
        float[] x = k.array("x", n, h, w, c).floats();
        float[] kernel = k.array("kernel", kh, kw, c, f).floats();
        float[] bias = k.has("bias") ? k.array("bias", f).floats() : null;
        float[] dy = k.array("dy", n, oh, ow, f).floats();

        float[] y = new float[n * oh * ow * f];                 // (N, OH, OW, F)
        float[] dx = new float[x.length];                       // (N, H, W, C)
        float[] dKernel = new float[kernel.length];             // (KH, KW, C, F)
        float[] dBias = bias == null ? null : new float[f];     // (F)
        if (fast) {
            Conv2DOp op = new Conv2DOp();
            op.forward(y, x, kernel, bias, n, c, f, g);
            op.backward(dx, dKernel, dBias, dy, kernel, n, c, f, g);
        } else {
            Conv2DReference.forward(y, x, kernel, bias, n, c, f, g);
            Conv2DReference.backward(dx, dKernel, dBias, dy, x, kernel, n, c, f, g);
        }
        Close.allClose(k + " y", y, k.array("y", n, oh, ow, f).values());
        Close.allClose(k + " dx", dx, k.array("dx", n, h, w, c).values());
        Close.allClose(k + " dkernel", dKernel, k.array("dkernel", kh, kw, c, f).values());
        if (bias != null) Close.allClose(k + " dbias", dBias, k.array("dbias", f).values());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("maxPool")
    void maxPoolMatchesPyTorch(Case k) {
        int n = k.i("n"), h = k.i("h"), w = k.i("w"), c = k.i("c");
        WindowGeometry g = geometry(k, k.i("ph"), k.i("pw"));
        float[] x = k.array("x", n, h, w, c).floats();
        float[] dy = k.array("dy", n, g.outH(), g.outW(), c).floats();
        float[] y = new float[dy.length];
        float[] dx = new float[x.length];
        MaxPool2DOp op = new MaxPool2DOp();
        op.forward(y, x, n, c, g);
        op.backward(dx, dy, n, c, g);
        Close.allClose(k + " y", y, k.array("y", n, g.outH(), g.outW(), c).values());
        Close.allClose(k + " dx", dx, k.array("dx", n, h, w, c).values());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("avgPool")
    void averagePoolMatchesPyTorch(Case k) {
        int n = k.i("n"), h = k.i("h"), w = k.i("w"), c = k.i("c");
        WindowGeometry g = geometry(k, k.i("ph"), k.i("pw"));
        float[] x = k.array("x", n, h, w, c).floats();
        float[] dy = k.array("dy", n, g.outH(), g.outW(), c).floats();
        float[] y = new float[dy.length];
        float[] dx = new float[x.length];
        AvgPool2DOp.forward(y, x, n, c, g);
        AvgPool2DOp.backward(dx, dy, n, c, g);
        Close.allClose(k + " y", y, k.array("y", n, g.outH(), g.outW(), c).values());
        Close.allClose(k + " dx", dx, k.array("dx", n, h, w, c).values());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dense")
    void denseMatchesPyTorch(Case k) {
        int n = k.i("n"), in = k.i("in"), units = k.i("units");
        float[] x = k.array("x", n, in).floats();
        float[] kernel = k.array("kernel", in, units).floats();
        float[] bias = k.has("bias") ? k.array("bias", units).floats() : null;
        float[] dy = k.array("dy", n, units).floats();
        float[] y = new float[n * units];
        float[] dx = new float[x.length];
        float[] dKernel = new float[kernel.length];
        float[] dBias = bias == null ? null : new float[units];
        DenseOp op = new DenseOp();
        op.forward(y, x, kernel, bias, n, in, units);
        op.backward(dx, dKernel, dBias, dy, x, kernel, n, in, units);
        Close.allClose(k + " y", y, k.array("y", n, units).values());
        Close.allClose(k + " dx", dx, k.array("dx", n, in).values());
        Close.allClose(k + " dkernel", dKernel, k.array("dkernel", in, units).values());
        if (bias != null) Close.allClose(k + " dbias", dBias, k.array("dbias", units).values());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("crossEntropy")
    void softmaxCrossEntropyMatchesPyTorch(Case k) {
        int n = k.i("n"), classes = k.i("k");
        float[] logits = k.array("logits", n, classes).floats();
        int[] labels = k.array("labels", n).ints();
        float[] probs = new float[logits.length];
        double loss = SoftmaxCrossEntropyOp.forward(probs, logits, labels, n, classes);
        double expected = k.array("loss", 1).values()[0];
        assertTrue(Math.abs(loss - expected) <= Close.ATOL + Close.RTOL * Math.abs(expected),
                k + ": loss " + loss + ", PyTorch " + expected);
        Close.allClose(k + " probs", probs, k.array("probs", n, classes).values());
        float[] dLogits = new float[logits.length];
        SoftmaxCrossEntropyOp.backward(dLogits, probs, labels, n, classes);
        Close.allClose(k + " dlogits", dLogits, k.array("dlogits", n, classes).values());
    }

    /** Fovea's geometry for the case, checked against the output size PyTorch produced. */
    private static WindowGeometry geometry(Case k, int kh, int kw) {
        Padding padding = Padding.parse(k.s("padding"), k.toString());
        WindowGeometry g = WindowGeometry.of(k.i("h"), k.i("w"), kh, kw, k.i("sh"), k.i("sw"), padding, k.toString());
        assertEquals(k.i("oh"), g.outH(), k + ": output height");
        assertEquals(k.i("ow"), g.outW(), k + ": output width");
        return g;
    }
}

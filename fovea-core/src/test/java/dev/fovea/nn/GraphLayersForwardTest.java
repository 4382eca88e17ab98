package dev.fovea.nn;

import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static dev.fovea.nn.LayerGradientChecker.randomizeParameters;
import static dev.fovea.nn.LayerGradientChecker.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Forwards of the general-graph layers against plain double-precision loops written from the
 * definitions (ONNX operator docs), on edge geometries: one-sided padding, dilation, ceil mode,
 * groups, broadcasting of every axis kind.
 */
class GraphLayersForwardTest {
    private final SplittableRandom rng = new SplittableRandom(31);

    private <L extends Layer> L built(L layer, Shape... in) {
        layer.assignDefaultName("layer");
        layer.build(in, new SplittableRandom(7));
        randomizeParameters(layer, rng, -1, 1);
        return layer;
    }

    private static void close(String what, float[] actual, double[] expected) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < actual.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 * (1 + Math.abs(expected[i])), what + ": element " + i);
        }
    }

    @Test
    void groupedDilatedConvolutionMatchesTheDefinition() {
        int n = 2, h = 7, w = 6, c = 6, f = 4, groups = 2, kh = 3, kw = 2, sh = 2, sw = 1, dh = 2, dw = 3;
        int[][] pad = {{2, 1}, {0, 3}};
        Tensor x = uniform(rng, -1, 1, n, h, w, c);
        Conv2D conv = built(new Conv2D(new Conv2D.Config(f, kh, kw, sh, sw, dh, dw, groups, WindowPadding.explicit(pad[0][0], pad[1][0], pad[0][1], pad[1][1]), Activation.LINEAR, true)),
                x.shape().dropBatch());
        float[] k = conv.parameters().get(0).value().data(), b = conv.parameters().get(1).value().data();
        Shape out = conv.outputShape();
        double[] expected = new double[n * out.size()];
        int cg = c / groups, fg = f / groups;
        for (int bi = 0; bi < n; bi++)
            for (int oy = 0; oy < out.dim(0); oy++)
                for (int ox = 0; ox < out.dim(1); ox++)
                    for (int fo = 0; fo < f; fo++) {
                        int g = fo / fg;
                        double s = b[fo];
                        for (int ky = 0; ky < kh; ky++)
                            for (int kx = 0; kx < kw; kx++)
                                for (int ci = 0; ci < cg; ci++) {
                                    int iy = oy * sh - pad[0][0] + ky * dh, ix = ox * sw - pad[1][0] + kx * dw;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                                    s += x.get(bi, iy, ix, g * cg + ci) * k[((ky * kw + kx) * cg + ci) * f + fo];
                                }
                        expected[((bi * out.dim(0) + oy) * out.dim(1) + ox) * f + fo] = s;
                    }
        // out = floor((7 + 3 - 5) / 2) + 1 = 3 rows, floor((6 + 3 - 4) / 1) + 1 = 6 columns.
        assertEquals(Shape.of(3, 6, 4), out);
        close("grouped conv", conv.forward(x, ForwardContext.INFERENCE).data(), expected);
    }

    @Test
    void poolingMatchesTheDefinition() {
        int n = 1, h = 5, w = 6, c = 2;
        Tensor x = uniform(rng, -1, 1, n, h, w, c);
        for (boolean max : new boolean[] {true, false}) {
            for (boolean include : max ? new boolean[] {false} : new boolean[] {false, true}) {
                int[][] pad = {{1, 0}, {0, 1}};
                Pooling2D pool = built((max ? new MaxPool2D(new Pooling2D.Config(3, 2, 2, 2, 1, 1, WindowPadding.explicit(pad[0][0], pad[1][0], pad[0][1], pad[1][1]), true, include)) : new AveragePooling2D(new Pooling2D.Config(3, 2, 2, 2, 1, 1, WindowPadding.explicit(pad[0][0], pad[1][0], pad[0][1], pad[1][1]), true, include))),
                        x.shape().dropBatch());
                Shape out = pool.outputShape();
                double[] expected = new double[out.size()];
                for (int oy = 0; oy < out.dim(0); oy++)
                    for (int ox = 0; ox < out.dim(1); ox++)
                        for (int ch = 0; ch < c; ch++) {
                            double acc = max ? Double.NEGATIVE_INFINITY : 0;
                            int count = 0;
                            for (int ky = 0; ky < 3; ky++)
                                for (int kx = 0; kx < 2; kx++) {
                                    int iy = oy * 2 - 1 + ky, ix = ox * 2 + kx;
                                    boolean real = iy >= 0 && iy < h && ix >= 0 && ix < w;
                                    boolean inPadded = iy >= -1 && iy < h && ix >= 0 && ix < w + 1;
                                    if (real) acc = max ? Math.max(acc, x.get(0, iy, ix, ch)) : acc + x.get(0, iy, ix, ch);
                                    if (include ? inPadded : real) count++;
                                }
                            expected[(oy * out.dim(1) + ox) * c + ch] = max ? acc : acc / count;
                        }
                // ceil((5 + 1 - 3) / 2) + 1 = 3 rows; ceil((6 + 1 - 2) / 2) + 1 = 4 columns, but the fourth
                // window would start at column 6, in the padding, so ceil mode drops it (as PyTorch).
                assertEquals(Shape.of(3, 3, 2), out);
                close("pool max=" + max + " include=" + include, pool.forward(x, ForwardContext.INFERENCE).data(), expected);
            }
        }
    }

    @Test
    void elementwiseBroadcastsEveryAxisKind() {
        Tensor a = uniform(rng, -1, 1, 2, 3, 1, 4);
        Tensor b = uniform(rng, 0.5, 1, 2, 5, 1);
        Elementwise div = built(new Elementwise(Elementwise.Operation.DIVIDE), a.shape().dropBatch(), b.shape().dropBatch());
        assertEquals(Shape.of(3, 5, 4), div.outputShape());
        double[] expected = new double[2 * 3 * 5 * 4];
        for (int n = 0; n < 2; n++)
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 5; j++)
                    for (int k = 0; k < 4; k++) expected[((n * 3 + i) * 5 + j) * 4 + k] = (double) a.get(n, i, 0, k) / b.get(n, j, 0);
        close("divide", div.forward(new Tensor[] {a, b}, ForwardContext.INFERENCE).data(), expected);
    }

    @Test
    void batchNormalizationMovesStatisticsAsKeras() {
        Tensor x = Tensor.of(new float[] {1, 10, 3, 20}, 2, 2);   // two examples, two channels
        BatchNormalization bn = built(new BatchNormalization(), Shape.of(2));
        for (Parameter p : bn.parameters()) p.value().fill(p.name().endsWith("gamma") || p.name().endsWith("variance") ? 1f : 0f);
        float[] y = bn.forward(x, ForwardContext.training(new SplittableRandom(1))).data();
        // Channel 0: mean 2, biased variance 1 -> y = (x - 2) / sqrt(1 + 0.001).
        assertEquals(-1 / Math.sqrt(1.001), y[0], 1e-6);
        // moving = 0.99 · moving + 0.01 · batch.
        assertEquals(0.01 * 2, bn.parameters().get(2).value().data()[0], 1e-7);
        assertEquals(0.99 + 0.01 * 1, bn.parameters().get(3).value().data()[0], 1e-6);
        assertEquals(0.99 + 0.01 * 25, bn.parameters().get(3).value().data()[1], 1e-5);
    }
}

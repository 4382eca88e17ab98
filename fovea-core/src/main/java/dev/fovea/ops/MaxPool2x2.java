package dev.fovea.ops;

import dev.fovea.tensor.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Max pooling with 2x2 windows at stride 2 that all lie inside the input (the CNN default),
 * vectorised over channels: four loads, three compare-and-blends per vector of channels. Forward
 * records which of the four cells won (0 = top left, 1 = top right, 2 = bottom left, 3 = bottom
 * right) as a float code per output element; backward writes every input cell once, from the codes,
 * so dx needs no separate zeroing pass. Ties and NaN follow the generic kernel: a later cell wins
 * only when strictly greater, so the first maximum in row-major window order is kept.
 *
 * <p>When the input is a ReLU output, backward can also apply the ReLU's gradient mask (a window
 * whose maximum is 0 passes no gradient, since ReLU's gradient is 0 there), so the layer before
 * skips its own pass over the activations.
 */
final class MaxPool2x2 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();

    private float[] codes = new float[0];   // (N, OH, OW, C): which window cell won
    private final Forward forwardJob = new Forward();
    private final Backward backwardJob = new Backward();

    static boolean handles(WindowGeometry g) {
        return g.kH() == 2 && g.kW() == 2 && g.strideH() == 2 && g.strideW() == 2
                && g.padTop() == 0 && g.padLeft() == 0 && 2 * g.outH() <= g.inH() && 2 * g.outW() <= g.inW();
    }

    void forward(float[] out, float[] x, int n, int c, WindowGeometry g) {
        int size = n * g.outH() * g.outW() * c;
        if (codes.length < size) codes = new float[size];
        Forward j = forwardJob;
        j.out = out; j.x = x; j.codes = codes; j.c = c; j.g = g;
        try {
            Parallel.forRange(n, grain(g, c), j);
        } finally {
            j.out = null; j.x = null;
        }
    }

    /**
     * dx (N, H, W, C), overwritten, from dy (N, OH, OW, C); with {@code reluMask}, only where the
     * window's maximum (out of the last forward) is positive.
     */
    void backward(float[] dx, float[] dy, float[] out, boolean reluMask, int n, int c, WindowGeometry g) {
        Backward j = backwardJob;
        j.dx = dx; j.dy = dy; j.out = out; j.codes = codes; j.reluMask = reluMask; j.c = c; j.g = g;
        try {
            Parallel.forRange(n, grain(g, c), j);
        } finally {
            j.dx = null; j.dy = null; j.out = null;
        }
    }

    /** Images per chunk: at least about 32k input floats, below which a hand-off costs more than it saves. */
    private static int grain(WindowGeometry g, int c) {
        return Math.max(1, (1 << 15) / Math.max(1, g.inH() * g.inW() * c));
    }

    private static final class Forward implements Parallel.RangeBody {
        float[] out, x, codes;
        int c;
        WindowGeometry g;

        @Override public void run(int b0, int b1) {
            int rowIn = g.inW() * c, vEnd = S.loopBound(c);
            FloatVector one = FloatVector.broadcast(S, 1f), two = FloatVector.broadcast(S, 2f), three = FloatVector.broadcast(S, 3f);
            for (int b = b0; b < b1; b++) {
                for (int oy = 0; oy < g.outH(); oy++) {
                    int o = ((b * g.outH() + oy) * g.outW()) * c;
                    int p = ((b * g.inH() + 2 * oy) * g.inW()) * c;
                    for (int ox = 0; ox < g.outW(); ox++, o += c, p += 2 * c) {
                        int j = 0;
                        for (; j < vEnd; j += V) {
                            FloatVector v = FloatVector.fromArray(S, x, p + j), code = FloatVector.zero(S);
                            FloatVector a = FloatVector.fromArray(S, x, p + c + j);
                            VectorMask<Float> m = a.compare(VectorOperators.GT, v);
                            v = v.blend(a, m);
                            code = code.blend(one, m);
                            a = FloatVector.fromArray(S, x, p + rowIn + j);
                            m = a.compare(VectorOperators.GT, v);
                            v = v.blend(a, m);
                            code = code.blend(two, m);
                            a = FloatVector.fromArray(S, x, p + rowIn + c + j);
                            m = a.compare(VectorOperators.GT, v);
                            v = v.blend(a, m);
                            code = code.blend(three, m);
                            v.intoArray(out, o + j);
                            code.intoArray(codes, o + j);
                        }
                        for (; j < c; j++) {
                            float v = x[p + j], code = 0;
                            if (x[p + c + j] > v) { v = x[p + c + j]; code = 1; }
                            if (x[p + rowIn + j] > v) { v = x[p + rowIn + j]; code = 2; }
                            if (x[p + rowIn + c + j] > v) { v = x[p + rowIn + c + j]; code = 3; }
                            out[o + j] = v;
                            codes[o + j] = code;
                        }
                    }
                }
            }
        }
    }

    private static final class Backward implements Parallel.RangeBody {
        float[] dx, dy, out, codes;
        boolean reluMask;
        int c;
        WindowGeometry g;

        @Override public void run(int b0, int b1) {
            int rowIn = g.inW() * c, vEnd = S.loopBound(c);
            int usedW = 2 * g.outW() * c;   // an odd last column (and row) belongs to no window
            FloatVector zero = FloatVector.zero(S);
            for (int b = b0; b < b1; b++) {
                for (int oy = 0; oy < g.outH(); oy++) {
                    int o = ((b * g.outH() + oy) * g.outW()) * c;
                    int row = (b * g.inH() + 2 * oy) * rowIn;
                    int p = row;
                    for (int ox = 0; ox < g.outW(); ox++, o += c, p += 2 * c) {
                        int j = 0;
                        for (; j < vEnd; j += V) {
                            FloatVector d = FloatVector.fromArray(S, dy, o + j);
                            if (reluMask) d = zero.blend(d, FloatVector.fromArray(S, out, o + j).compare(VectorOperators.GT, 0f));
                            FloatVector code = FloatVector.fromArray(S, codes, o + j);
                            zero.blend(d, code.compare(VectorOperators.EQ, 0f)).intoArray(dx, p + j);
                            zero.blend(d, code.compare(VectorOperators.EQ, 1f)).intoArray(dx, p + c + j);
                            zero.blend(d, code.compare(VectorOperators.EQ, 2f)).intoArray(dx, p + rowIn + j);
                            zero.blend(d, code.compare(VectorOperators.EQ, 3f)).intoArray(dx, p + rowIn + c + j);
                        }
                        for (; j < c; j++) {
                            float d = reluMask && !(out[o + j] > 0f) ? 0f : dy[o + j];
                            float code = codes[o + j];
                            dx[p + j] = code == 0 ? d : 0f;
                            dx[p + c + j] = code == 1 ? d : 0f;
                            dx[p + rowIn + j] = code == 2 ? d : 0f;
                            dx[p + rowIn + c + j] = code == 3 ? d : 0f;
                        }
                    }
                    if (usedW < rowIn) {
                        Arrays.fill(dx, row + usedW, row + rowIn, 0f);
                        Arrays.fill(dx, row + rowIn + usedW, row + 2 * rowIn, 0f);
                    }
                }
                int usedRows = 2 * g.outH();
                if (usedRows < g.inH()) Arrays.fill(dx, (b * g.inH() + usedRows) * rowIn, (b + 1) * g.inH() * rowIn, 0f);
            }
        }
    }
}

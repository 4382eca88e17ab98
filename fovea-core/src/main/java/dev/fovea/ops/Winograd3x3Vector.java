package dev.fovea.ops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Winograd3x3}'s input and output transforms over whole vectors of channels; the channels
 * past the last whole vector go to the plain loops. Load only when
 * {@link dev.fovea.tensor.VectorSupport#available()}.
 */
final class Winograd3x3Vector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();

    private Winograd3x3Vector() {}

    /** As {@link Winograd3x3#inputTile} for all c channels. */
    static void inputTile(float[] v, int at, int stride, float[] src, int[] off, int c) {
        int cv = S.loopBound(c);
        int o0 = off[0], o1 = off[1], o2 = off[2], o3 = off[3], o4 = off[4], o5 = off[5], o6 = off[6], o7 = off[7];
        int o8 = off[8], o9 = off[9], o10 = off[10], o11 = off[11], o12 = off[12], o13 = off[13], o14 = off[14], o15 = off[15];
        for (int ci = 0; ci < cv; ci += V) {
            FloatVector d00 = load(src, o0 + ci), d01 = load(src, o1 + ci), d02 = load(src, o2 + ci), d03 = load(src, o3 + ci);
            FloatVector d10 = load(src, o4 + ci), d11 = load(src, o5 + ci), d12 = load(src, o6 + ci), d13 = load(src, o7 + ci);
            FloatVector d20 = load(src, o8 + ci), d21 = load(src, o9 + ci), d22 = load(src, o10 + ci), d23 = load(src, o11 + ci);
            FloatVector d30 = load(src, o12 + ci), d31 = load(src, o13 + ci), d32 = load(src, o14 + ci), d33 = load(src, o15 + ci);
            FloatVector r00 = d00.sub(d20), r01 = d01.sub(d21), r02 = d02.sub(d22), r03 = d03.sub(d23);
            FloatVector r10 = d10.add(d20), r11 = d11.add(d21), r12 = d12.add(d22), r13 = d13.add(d23);
            FloatVector r20 = d20.sub(d10), r21 = d21.sub(d11), r22 = d22.sub(d12), r23 = d23.sub(d13);
            FloatVector r30 = d10.sub(d30), r31 = d11.sub(d31), r32 = d12.sub(d32), r33 = d13.sub(d33);
            int p = at + ci;
            row(v, p, stride, r00, r01, r02, r03);
            row(v, p + 4 * stride, stride, r10, r11, r12, r13);
            row(v, p + 8 * stride, stride, r20, r21, r22, r23);
            row(v, p + 12 * stride, stride, r30, r31, r32, r33);
        }
        if (cv < c) Winograd3x3.inputTile(v, at, stride, src, off, cv, c);
    }

    /** (r B) of one row of Bᵀ d: 0 - 2, 1 + 2, 2 - 1, 1 - 3, stored stride apart. */
    private static void row(float[] v, int p, int stride, FloatVector r0, FloatVector r1, FloatVector r2, FloatVector r3) {
        r0.sub(r2).intoArray(v, p);
        r1.add(r2).intoArray(v, p + stride);
        r2.sub(r1).intoArray(v, p + 2 * stride);
        r1.sub(r3).intoArray(v, p + 3 * stride);
    }

    /** As {@link Winograd3x3#outputTile} for all f channels. */
    static void outputTile(float[] out, int y00, int f, int rowStride, boolean right, boolean below, float[] m, int at, int stride,
                           float[] bias, boolean relu) {
        int fv = S.loopBound(f);
        int y01 = y00 + f, y10 = y00 + rowStride, y11 = y10 + f;
        FloatVector zero = FloatVector.zero(S);
        for (int j = 0; j < fv; j += V) {
            int p = at + j;
            FloatVector s0 = load(m, p).add(load(m, p + 4 * stride)).add(load(m, p + 8 * stride));
            FloatVector s1 = load(m, p + stride).add(load(m, p + 5 * stride)).add(load(m, p + 9 * stride));
            FloatVector s2 = load(m, p + 2 * stride).add(load(m, p + 6 * stride)).add(load(m, p + 10 * stride));
            FloatVector s3 = load(m, p + 3 * stride).add(load(m, p + 7 * stride)).add(load(m, p + 11 * stride));
            FloatVector t0 = load(m, p + 4 * stride).sub(load(m, p + 8 * stride)).sub(load(m, p + 12 * stride));
            FloatVector t1 = load(m, p + 5 * stride).sub(load(m, p + 9 * stride)).sub(load(m, p + 13 * stride));
            FloatVector t2 = load(m, p + 6 * stride).sub(load(m, p + 10 * stride)).sub(load(m, p + 14 * stride));
            FloatVector t3 = load(m, p + 7 * stride).sub(load(m, p + 11 * stride)).sub(load(m, p + 15 * stride));
            FloatVector b = bias == null ? zero : load(bias, j);
            FloatVector a = s0.add(s1).add(s2).add(b), bb = s1.sub(s2).sub(s3).add(b);
            FloatVector cc = t0.add(t1).add(t2).add(b), d = t1.sub(t2).sub(t3).add(b);
            if (relu) {
                a = a.max(zero); bb = bb.max(zero); cc = cc.max(zero); d = d.max(zero);
            }
            a.intoArray(out, y00 + j);
            if (right) bb.intoArray(out, y01 + j);
            if (below) {
                cc.intoArray(out, y10 + j);
                if (right) d.intoArray(out, y11 + j);
            }
        }
        if (fv < f) Winograd3x3.outputTile(out, y00, f, rowStride, right, below, m, at, stride, bias, relu, fv, f);
    }

    private static FloatVector load(float[] a, int i) { return FloatVector.fromArray(S, a, i); }
}

package dev.fovea.nn;

import dev.fovea.json.JsonObject;
import dev.fovea.FoveaException;
import dev.fovea.ops.PadOp;
import dev.fovea.tensor.Shape;

import java.util.Map;
import java.util.SplittableRandom;

/** Zero rows and columns around images, as Keras's ZeroPadding2D(((top, bottom), (left, right))): (N, H, W, C). */
public final class ZeroPadding2D extends Pad {
    private final int[][] padding;

    public ZeroPadding2D(int[][] padding) {
        this(checked(padding), true);
    }

    private static int[][] checked(int[][] p) {
        if (p == null || p.length != 2 || p[0].length != 2 || p[1].length != 2) {
            throw new FoveaException("ZeroPadding2D: padding must be [[top, bottom], [left, right]]");
        }
        for (int[] q : p) {
            if (q[0] < 0 || q[1] < 0) throw new FoveaException("ZeroPadding2D: padding must be >= 0, got " + java.util.Arrays.deepToString(p));
        }
        return new int[][] {p[0].clone(), p[1].clone()};
    }

    private ZeroPadding2D(int[][] checked, boolean unused) {
        super(new int[][] {checked[0], checked[1], {0, 0}}, PadOp.Mode.CONSTANT, 0);
        this.padding = checked;
    }

    public ZeroPadding2D(int pad) {
        this(new int[][] {{pad, pad}, {pad, pad}});
    }

    @Override public String className() { return "ZeroPadding2D"; }

    /** {{top, bottom}, {left, right}}. */
    public int[][] padding() { return new int[][] {padding[0].clone(), padding[1].clone()}; }

    @Override public Map<String, Object> config() { return Map.of("padding", pairList(padding)); }

    static ZeroPadding2D fromConfig(JsonObject c) {
        c.requireOnlyKeys("padding");
        return new ZeroPadding2D(c.requirePairs("padding", 0, 1 << 20));
    }

    @Override protected Shape doBuild(Shape in, SplittableRandom rng) {
        if (in.rank() != 3) throw new FoveaException("layer " + name() + " (ZeroPadding2D) needs input (height, width, channels), got " + in);
        return super.doBuild(in, rng);
    }
}

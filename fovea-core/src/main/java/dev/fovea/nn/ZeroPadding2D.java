package dev.fovea.nn;

import dev.fovea.FoveaException;
import dev.fovea.ops.PadOp;
import dev.fovea.tensor.Shape;

import java.util.Map;
import java.util.SplittableRandom;

/** Zero rows and columns around images, as Keras's ZeroPadding2D(((top, bottom), (left, right))): (N, H, W, C). */
public final class ZeroPadding2D extends Pad {
    private final int[][] padding;

    public ZeroPadding2D(int[][] padding) {
        this(PaddedConv2D.checkPadding(padding, "ZeroPadding2D"), true);
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

    @Override public Map<String, Object> config() { return Map.of("padding", ConfigValues.pairList(padding)); }

    @Override protected Shape doBuild(Shape in, SplittableRandom rng) {
        if (in.rank() != 3) throw new FoveaException("layer " + name() + " (ZeroPadding2D) needs input (height, width, channels), got " + in);
        return super.doBuild(in, rng);
    }
}

package dev.fovea.nn;

import dev.fovea.FoveaException;
import dev.fovea.json.JsonObject;
import dev.fovea.ops.PadOp;
import dev.fovea.tensor.Shape;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * Removes rows and columns at the edges of images, as Keras's Cropping2D(((top, bottom), (left,
 * right))): (N, H, W, C) to (N, H - top - bottom, W - left - right, C). A {@link Pad} with
 * negative paddings, which PadOp (and ONNX Pad) read as cropping, so forward, backward (the
 * gradient lands back in place, zeros where rows were cut) and export come with it.
 */
public final class Cropping2D extends Pad {
    private final int[][] cropping;

    public Cropping2D(int[][] cropping) {
        this(checked(cropping), true);
    }

    private Cropping2D(int[][] c, boolean checked) {
        super(new int[][] {{-c[0][0], -c[0][1]}, {-c[1][0], -c[1][1]}, {0, 0}}, PadOp.Mode.CONSTANT, 0);
        this.cropping = c;
    }

    /** The same number of rows and columns off every side. */
    public Cropping2D(int crop) {
        this(new int[][] {{crop, crop}, {crop, crop}});
    }

    private static int[][] checked(int[][] c) {
        if (c == null || c.length != 2 || c[0].length != 2 || c[1].length != 2) {
            throw new FoveaException("Cropping2D: cropping must be [[top, bottom], [left, right]]");
        }
        for (int[] q : c) {
            if (q[0] < 0 || q[1] < 0) throw new FoveaException("Cropping2D: cropping must be >= 0, got " + java.util.Arrays.deepToString(c));
        }
        return new int[][] {c[0].clone(), c[1].clone()};
    }

    @Override public String className() { return "Cropping2D"; }

    /** {{top, bottom}, {left, right}}. */
    public int[][] cropping() { return new int[][] {cropping[0].clone(), cropping[1].clone()}; }

    @Override public Map<String, Object> config() { return Map.of("cropping", pairList(cropping)); }

    static Cropping2D fromConfig(JsonObject c) {
        c.requireOnlyKeys("cropping");
        return new Cropping2D(c.requirePairs("cropping", 0, 1 << 20));
    }

    @Override protected Shape doBuild(Shape in, SplittableRandom rng) {
        String where = "layer " + name() + " (Cropping2D)";
        if (in.rank() != 3) throw new FoveaException(where + " needs input (height, width, channels), got " + in);
        if (cropping[0][0] + cropping[0][1] >= in.dim(0) || cropping[1][0] + cropping[1][1] >= in.dim(1)) {
            throw new FoveaException(where + ": cropping " + java.util.Arrays.deepToString(cropping) + " leaves nothing of a "
                    + in.dim(0) + "x" + in.dim(1) + " image");
        }
        return super.doBuild(in, rng);
    }
}

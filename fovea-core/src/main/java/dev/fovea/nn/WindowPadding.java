package dev.fovea.nn;

import dev.fovea.FoveaException;
import dev.fovea.json.JsonObject;
import dev.fovea.ops.Window2D;

import java.util.List;
import java.util.Locale;

/**
 * How a convolution or pooling window is padded: Keras's {@code "valid"} (none) and
 * {@code "same"} (out = ceil(in / stride), an odd extra row or column at the end, as TensorFlow), or
 * explicit rows and columns per side, as ONNX and PyTorch give them. In model.json: the word, or
 * {@code [[top, bottom], [left, right]]} as Keras's ZeroPadding2D writes padding.
 */
public record WindowPadding(Mode mode, int top, int left, int bottom, int right) {
    public enum Mode { VALID, SAME, EXPLICIT }

    public static final WindowPadding VALID = new WindowPadding(Mode.VALID, 0, 0, 0, 0);
    public static final WindowPadding SAME = new WindowPadding(Mode.SAME, 0, 0, 0, 0);

    public WindowPadding {
        if (mode != Mode.EXPLICIT && (top | left | bottom | right) != 0) {
            throw new FoveaException("padding \"" + mode.name().toLowerCase(Locale.ROOT) + "\" takes no sizes");
        }
        if (top < 0 || left < 0 || bottom < 0 || right < 0) {
            throw new FoveaException("padding must be >= 0 on every side, got top " + top + ", left " + left
                    + ", bottom " + bottom + ", right " + right);
        }
    }

    public static WindowPadding explicit(int top, int left, int bottom, int right) {
        return new WindowPadding(Mode.EXPLICIT, top, left, bottom, right);
    }

    /** "valid" or "same" (any case), as the Java API and Keras configs spell them. */
    public static WindowPadding parse(String word, String where) {
        return switch (word.toLowerCase(Locale.ROOT)) {
            case "valid" -> VALID;
            case "same" -> SAME;
            default -> throw new FoveaException(where + ": padding must be \"valid\", \"same\" or [[top, bottom], [left, right]], got \"" + word + "\"");
        };
    }

    /** Reads "valid", "same" or [[top, bottom], [left, right]]; VALID when absent. */
    static WindowPadding read(JsonObject config, String key) {
        if (!config.has(key)) return VALID;
        if (config.get(key) instanceof String s) {
            if (s.equals("valid")) return VALID;
            if (s.equals("same")) return SAME;
            throw config.error(key, "must be \"valid\", \"same\" or [[top, bottom], [left, right]], got \"" + s + "\"");
        }
        int[][] p = config.requirePairs(key, 0, 1 << 20);
        if (p.length != 2) throw config.error(key, "must be \"valid\", \"same\" or [[top, bottom], [left, right]]");
        return explicit(p[0][0], p[1][0], p[0][1], p[1][1]);
    }

    /** The value model.json holds: the word, or [[top, bottom], [left, right]]. */
    Object toJson() {
        if (mode != Mode.EXPLICIT) return mode.name().toLowerCase(Locale.ROOT);
        return List.of(List.of(top, bottom), List.of(left, right));
    }

    /** Whether this is one of Keras's modes (the layer then reads and writes as Keras's own). */
    public boolean isKeras() { return mode != Mode.EXPLICIT; }

    /**
     * Where a window of size k, stride s and dilation d lands on an input of inH x inW. "same"
     * resolves to the explicit padding TensorFlow uses: total = max((out - 1) * s + span - in, 0),
     * half of it (rounded down) before.
     */
    Window2D window(int inH, int inW, int kH, int kW, int sH, int sW, int dH, int dW, boolean ceilMode, String where) {
        int t = top, l = left, b = bottom, r = right;
        if (mode == Mode.SAME) {
            int totalH = sameTotal(inH, kH, sH, dH), totalW = sameTotal(inW, kW, sW, dW);
            t = totalH / 2;
            b = totalH - t;
            l = totalW / 2;
            r = totalW - l;
        } else if (mode == Mode.VALID && (Window2D.span(kH, dH) > inH || Window2D.span(kW, dW) > inW)) {
            throw new FoveaException(where + ": window " + Window2D.span(kH, dH) + "x" + Window2D.span(kW, dW)
                    + " is larger than its input " + inH + "x" + inW + " with padding \"valid\" (use a smaller window or padding \"same\")");
        }
        return Window2D.of(inH, inW, kH, kW, sH, sW, dH, dW, t, l, b, r, ceilMode, where);
    }

    private static int sameTotal(int in, int k, int s, int d) {
        int out = (in + s - 1) / s;
        return Math.max((out - 1) * s + Window2D.span(k, d) - in, 0);
    }

    @Override public String toString() {
        return mode == Mode.EXPLICIT ? "[[" + top + ", " + bottom + "], [" + left + ", " + right + "]]" : (String) toJson();
    }
}

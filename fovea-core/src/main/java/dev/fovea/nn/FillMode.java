package dev.fovea.nn;

import dev.fovea.FoveaException;

import java.util.Locale;

/**
 * How a geometric augmentation fills points that fall outside the input, as Keras's fill_mode.
 * Applied to every sample index a bilinear read touches, so the input is extended pixel by pixel:
 * <pre>
 *   reflect   d c b a | a b c d | d c b a
 *   wrap      a b c d | a b c d | a b c d
 *   nearest   a a a a | a b c d | d d d d
 *   constant  k k k k | a b c d | k k k k   (k = fill_value)
 * </pre>
 */
public enum FillMode {
    REFLECT, WRAP, NEAREST, CONSTANT;

    /** The Keras spelling, as model.json stores it. */
    public String kerasName() { return name().toLowerCase(Locale.ROOT); }

    public static FillMode parse(String s, String where) {
        for (FillMode m : values()) if (m.kerasName().equals(s)) return m;
        throw new FoveaException(where + ": fill_mode \"" + s + "\" is not one of reflect, wrap, nearest, constant");
    }

    /** Index i of an axis of length n mapped into [0, n); -1 for CONSTANT outside it. */
    int map(int i, int n) {
        if (i >= 0 && i < n) return i;
        return switch (this) {
            case REFLECT -> {
                int m = Math.floorMod(i, 2 * n);   // period 2n: a b c d d c b a
                yield m < n ? m : 2 * n - 1 - m;
            }
            case WRAP -> Math.floorMod(i, n);
            case NEAREST -> i < 0 ? 0 : n - 1;
            case CONSTANT -> -1;
        };
    }
}

package dev.fovea.ops;

import dev.fovea.FoveaException;

/** Keras padding modes for convolution and pooling windows. */
public enum Padding {
    /** No padding: windows lie wholly inside the input; out = floor((in - k) / s) + 1. */
    VALID,
    /** Pad so that out = ceil(in / s); the extra row or column, if odd, goes at the end (as TensorFlow). */
    SAME;

    public static Padding parse(String s, String where) {
        if (s == null) return VALID;
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "valid" -> VALID;
            case "same" -> SAME;
            default -> throw new FoveaException(where + ": padding must be \"valid\" or \"same\", got \"" + s + "\"");
        };
    }

    public String keras() { return name().toLowerCase(java.util.Locale.ROOT); }
}

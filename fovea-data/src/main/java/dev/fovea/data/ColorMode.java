package dev.fovea.data;

import dev.fovea.FoveaException;

import java.util.Locale;

/**
 * The channels images are decoded to, as Keras's color_mode: "grayscale" (1 channel, BT.601
 * luma of colour sources) or "rgb" (3, gray sources repeated). "auto" picks grayscale when every
 * image of a folder is stored gray (a gray PNG or JPEG, or a palette of grays), RGB otherwise,
 * so a folder of Fashion-MNIST PNGs loads as (28, 28, 1) without options.
 */
public enum ColorMode {
    AUTO, GRAYSCALE, RGB;

    public String keras() { return name().toLowerCase(Locale.ROOT); }

    public static ColorMode parse(String s) {
        for (ColorMode m : values()) if (m.keras().equals(s.toLowerCase(Locale.ROOT))) return m;
        throw new FoveaException("color mode \"" + s + "\" is not one of auto, grayscale, rgb");
    }
}

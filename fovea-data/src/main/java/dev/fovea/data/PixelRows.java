package dev.fovea.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Reads a decoded image row by row as floats in [0, 1] with the channel count a model wants, so
 * a large photo is never held as floats all at once.
 *
 * <p>Grayscale sources are read from their samples directly: {@link BufferedImage#getRGB} would
 * treat them as linear gray and brighten them on the way to sRGB, while PNG and JPEG store gray
 * with the same gamma as colour. Colour sources are read as 8-bit sRGB.
 *
 * <p>Alpha is composited over black: Fashion-MNIST and MNIST draw a light object on a black
 * background, so a transparent background should become that background.
 *
 * <p>RGB to one channel is luma, Y' = 0.299 R' + 0.587 G' + 0.114 B' on the gamma-encoded values
 * (ITU-R BT.601), what PIL's convert("L") and most tools compute; one channel to RGB repeats it.
 */
final class PixelRows {
    private static final float R = 0.299f, G = 0.587f, B = 0.114f;

    private final BufferedImage image;
    private final int channels;       // target C: 1 or 3
    private final boolean gray;       // source is a gray raster (with or without alpha)
    private final boolean alpha;
    private final boolean premultiplied;
    private final float grayMax, alphaMax;
    private final int[] argb;

    PixelRows(BufferedImage image, int channels) {
        this.image = image;
        this.channels = channels;
        ColorModel cm = image.getColorModel();
        this.gray = !(cm instanceof IndexColorModel) && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
        this.alpha = cm.hasAlpha();
        this.premultiplied = cm.isAlphaPremultiplied();
        this.grayMax = (1 << cm.getComponentSize(0)) - 1;
        this.alphaMax = alpha ? (1 << cm.getComponentSize(cm.getNumComponents() - 1)) - 1 : 1;
        this.argb = gray ? null : new int[image.getWidth()];
    }

    boolean sourceIsGray() { return gray; }

    boolean sourceHasAlpha() { return alpha; }

    /** "RGB", "RGBA", "grayscale", "grayscale+alpha", "indexed". */
    String sourceKind() {
        if (image.getColorModel() instanceof IndexColorModel) return alpha ? "indexed+transparency" : "indexed";
        if (gray) return alpha ? "grayscale+alpha" : "grayscale";
        return alpha ? "RGBA" : "RGB";
    }

    /** Row y into {@code out} from {@code off}: width x channels values, (W, C). */
    void row(int y, float[] out, int off) {
        int w = image.getWidth();
        if (gray) {
            Raster r = image.getRaster();
            int alphaBand = r.getNumBands() - 1;
            for (int x = 0; x < w; x++) {
                float v = r.getSample(x, y, 0) / grayMax;
                if (alpha && !premultiplied) v *= r.getSample(x, y, alphaBand) / alphaMax;
                for (int c = 0; c < channels; c++) out[off + x * channels + c] = v;
            }
            return;
        }
        image.getRGB(0, y, w, 1, argb, 0, w); // non-premultiplied 8-bit sRGB whatever the source
        for (int x = 0; x < w; x++) {
            int p = argb[x];
            float a = alpha ? (p >>> 24) / 255f : 1f;
            float r = ((p >> 16) & 0xFF) / 255f * a;
            float g = ((p >> 8) & 0xFF) / 255f * a;
            float b = (p & 0xFF) / 255f * a;
            if (channels == 1) {
                out[off + x] = R * r + G * g + B * b;
            } else {
                out[off + 3 * x] = r;
                out[off + 3 * x + 1] = g;
                out[off + 3 * x + 2] = b;
            }
        }
    }
}

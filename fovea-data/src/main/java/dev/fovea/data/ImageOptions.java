package dev.fovea.data;

import dev.fovea.FoveaException;
import dev.fovea.tensor.Shape;

/**
 * The decode-time transforms of image files, applied in one pass as each file is decoded:
 * colour conversion (see {@link ColorMode}), then optionally a centre crop to the target's
 * aspect ratio (Keras's crop_to_aspect_ratio: the largest centred window of that shape), then a
 * resize to height x width (area averaging to shrink, bilinear to grow, as {@link ImageLoader}).
 * A size of 0 x 0 keeps each image's own size, which must then be the same for every file.
 */
public record ImageOptions(int height, int width, ColorMode colorMode, boolean cropToAspect) {
    /** Native size, automatic colour, no crop. */
    public static final ImageOptions DEFAULT = new ImageOptions(0, 0, ColorMode.AUTO, false);

    public ImageOptions {
        if (height < 0 || width < 0 || (height == 0) != (width == 0) || height > 65536 || width > 65536) {
            throw new FoveaException("image size must be two sides in 1..65536 (or none, to keep each image's size), got "
                    + height + "x" + width);
        }
        if (colorMode == null) throw new FoveaException("color mode is required");
        if (cropToAspect && height == 0) throw new FoveaException("cropping to the aspect ratio needs an image size");
    }

    public boolean resizes() { return height > 0; }

    public ImageOptions size(int h, int w) { return new ImageOptions(h, w, colorMode, cropToAspect); }

    public ImageOptions colorMode(ColorMode m) { return new ImageOptions(height, width, m, cropToAspect); }

    public ImageOptions cropToAspect(boolean crop) { return new ImageOptions(height, width, colorMode, crop); }

    /** The example shape for images of native size h x w whose sources are all gray (or not). */
    Shape shape(int nativeH, int nativeW, boolean allGray) {
        int c = switch (colorMode) {
            case GRAYSCALE -> 1;
            case RGB -> 3;
            case AUTO -> allGray ? 1 : 3;
        };
        return resizes() ? Shape.of(height, width, c) : Shape.of(nativeH, nativeW, c);
    }
}

package dev.fovea.data;

import dev.fovea.FoveaException;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Loads a PNG, JPEG, BMP or GIF and converts it to the (H, W, C) input a model expects, C being
 * 1 (grayscale) or 3 (RGB), values in [0, 1]. Sizes that differ are stretched to fit, as Keras's
 * {@code load_img(target_size=...)} does: each axis is resized independently (see
 * {@link Resampler}), so a 4:3 photo fills a square input rather than being cropped.
 *
 * <p>Files are hostile: the format is recognised by its signature, and the pixel size is read
 * from the header through an {@link ImageReader} and checked against a cap before anything is
 * decoded, so a small file claiming 100000x100000 pixels costs nothing. Decoder failures on
 * corrupt data (the JDK decoders throw assorted runtime exceptions) become one-line errors.
 */
public final class ImageLoader {
    /** 40 megapixels: more than any phone camera, about 160 MB decoded. */
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;

    private final long maxPixels;

    public ImageLoader() {
        this(DEFAULT_MAX_PIXELS);
    }

    /** A loader refusing images of more than {@code maxPixels} pixels. */
    public ImageLoader(long maxPixels) {
        if (maxPixels < 1) throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
        this.maxPixels = maxPixels;
    }

    public long maxPixels() { return maxPixels; }

    /** Loads {@code file} as {@code target}, (H, W, C) with C 1 or 3. */
    public LoadedImage load(Path file, Shape target) {
        checkTarget(target);
        return decode(file, (format, image) -> convert(file.toString(), format.toString(), image, target));
    }

    /** Loads an image held in memory (an upload, say); {@code name} is used in messages. */
    public LoadedImage load(String name, byte[] bytes, Shape target) {
        checkTarget(target);
        return decode(name, bytes, (f, image) -> convert(name, f.toString(), image, target));
    }

    /**
     * Converts an image already decoded (a Spark image struct, a frame from a camera API) as
     * {@link #load(Path, Shape)} converts a file; the pixel cap applies as well.
     */
    public LoadedImage load(String name, BufferedImage image, Shape target) {
        checkTarget(target);
        long pixels = (long) image.getWidth() * image.getHeight();
        if (pixels > maxPixels) {
            throw new FoveaException(name + ": " + image.getWidth() + "x" + image.getHeight() + " pixels is above the limit of "
                    + pixelCount(maxPixels));
        }
        return convert(name, "decoded", image, target);
    }

    /** As {@link #decode(Path, Converter)}, for an image held in memory. */
    <T> T decode(String name, byte[] bytes, Converter<T> converter) {
        ImageFormat format = ImageFormat.sniff(bytes, bytes.length);
        if (format == null) throw notAnImage(name);
        try (ImageInputStream iis = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            return decode(name, format, iis, converter);
        } catch (IOException e) {
            throw new FoveaException(name + ": cannot read (" + Errors.detail(e) + ")", e);
        }
    }

    /** What becomes of a decoded image; its runtime failures are reported as a corrupt image. */
    @FunctionalInterface
    interface Converter<T> {
        T convert(ImageFormat format, BufferedImage image);
    }

    /**
     * Decodes {@code file} with every check of {@link #load(Path, Shape)} (signature, header size
     * against the pixel cap, decoded size against the header) and hands the image to converter.
     * For callers in this package that convert differently (the image-folder pipeline).
     */
    <T> T decode(Path file, Converter<T> converter) {
        String name = file.toString();
        ImageFormat format;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = new byte[ImageFormat.SNIFF_BYTES];
            format = ImageFormat.sniff(head, in.readNBytes(head, 0, head.length));
        } catch (NoSuchFileException e) {
            throw new FoveaException(name + ": no such file");
        } catch (IOException e) {
            throw new FoveaException(name + ": cannot read (" + Errors.detail(e) + ")", e);
        }
        if (format == null) throw notAnImage(name);
        try (ImageInputStream iis = new FileImageInputStream(file.toFile())) {
            return decode(name, format, iis, converter);
        } catch (IOException e) {
            throw new FoveaException(name + ": cannot read (" + Errors.detail(e) + ")", e);
        }
    }

    private static FoveaException notAnImage(String name) {
        return new FoveaException(name + ": not a PNG, JPEG, BMP or GIF image");
    }

    private void checkTarget(Shape target) {
        if (target.rank() != 3 || (target.dim(2) != 1 && target.dim(2) != 3) || target.dim(0) < 1 || target.dim(1) < 1) {
            throw new FoveaException("model input " + target
                    + " is not an image shape; images load as (H, W, 1) grayscale or (H, W, 3) RGB");
        }
    }

    private <T> T decode(String name, ImageFormat format, ImageInputStream iis, Converter<T> converter) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.imageioName);
        if (!readers.hasNext()) {
            throw new IllegalStateException("this JDK has no " + format + " decoder"); // every JDK has all four
        }
        ImageReader reader = readers.next();
        try {
            reader.setInput(iis, true, true);
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            if (width < 1 || height < 1) {
                throw new FoveaException(name + ": " + format + " header gives a size of " + width + "x" + height + " pixels");
            }
            long pixels = (long) width * height;
            if (pixels > maxPixels) {
                throw new FoveaException(String.format(Locale.ROOT,
                        "%s: %dx%d pixels (%.1f megapixels) is above the limit of %s; shrink the image or raise the limit",
                        name, width, height, pixels / 1e6, pixelCount(maxPixels)));
            }
            BufferedImage image = reader.read(0);
            if (image.getWidth() != width || image.getHeight() != height) {
                throw new FoveaException(name + ": " + format + " decoded to " + image.getWidth() + "x" + image.getHeight()
                        + " pixels but its header says " + width + "x" + height);
            }
            return converter.convert(format, image);
        } catch (FoveaException e) {
            throw e;
        } catch (EOFException e) {
            throw new FoveaException(name + ": truncated or corrupt " + format + " image (the data ends early)", e);
        } catch (IIOException e) {
            throw new FoveaException(name + ": corrupt or unsupported " + format + " image (" + Errors.detail(e) + ")", e);
        } catch (IOException | RuntimeException e) {
            // Decoders fed crafted data throw whatever their internals trip over.
            throw new FoveaException(name + ": corrupt " + format + " image (" + Errors.detailWithType(e) + ")", e);
        } finally {
            reader.dispose();
        }
    }

    /** "40 megapixels", "2.5 megapixels", "1000 pixels". */
    private static String pixelCount(long pixels) {
        if (pixels < 1_000_000) return pixels + " pixels";
        return (pixels % 1_000_000 == 0 ? Long.toString(pixels / 1_000_000)
                : String.format(Locale.ROOT, "%.1f", pixels / 1e6)) + " megapixels";
    }

    /** Colour conversion row by row, then the horizontal resize per row, then the vertical one. */
    private static LoadedImage convert(String name, String format, BufferedImage image, Shape target) {
        int h = image.getHeight(), w = image.getWidth();
        int outH = target.dim(0), outW = target.dim(1), c = target.dim(2);
        PixelRows rows = new PixelRows(image, c);
        Resampler across = w == outW ? null : Resampler.of(w, outW);
        float[] row = new float[w * c];                 // (W, C)
        float[] mid = new float[h * outW * c];          // (H, outW, C)
        for (int y = 0; y < h; y++) {
            if (across == null) {
                rows.row(y, mid, y * outW * c);
            } else {
                rows.row(y, row, 0);
                across.apply(row, 0, mid, y * outW * c, c);
            }
        }
        float[] out;                                    // (outH, outW, C)
        if (h == outH) {
            out = mid;
        } else {
            out = new float[outH * outW * c];
            Resampler.of(h, outH).apply(mid, 0, out, 0, outW * c);
        }
        // Weights summing to 1 in float can overshoot by an ulp; the contract is [0, 1].
        for (int i = 0; i < out.length; i++) out[i] = Math.min(1f, Math.max(0f, out[i]));
        String description = name + ": " + format + " " + w + "x" + h + " " + rows.sourceKind() + " -> "
                + outW + "x" + outH + " " + (c == 1 ? "grayscale" : "RGB") + " (" + steps(rows, w, h, outW, outH, c) + ")";
        return new LoadedImage(Tensor.of(out, outH, outW, c), description);
    }

    private static String steps(PixelRows rows, int w, int h, int outW, int outH, int c) {
        List<String> steps = new ArrayList<>();
        if (w != outW || h != outH) {
            String across = Resampler.methodName(w, outW), down = Resampler.methodName(h, outH);
            steps.add("resized by " + (across.equals(down) || down.equals("none") ? across
                    : across.equals("none") ? down : across + " across and " + down + " down"));
            double from = (double) w / h, to = (double) outW / outH;
            if (Math.abs(from / to - 1) > 0.01) {
                steps.add(String.format(Locale.ROOT, "aspect %.2f stretched to %.2f", from, to));
            }
        }
        if (rows.sourceHasAlpha()) steps.add("alpha composited over black");
        if (c == 1 && !rows.sourceIsGray()) steps.add("luminance BT.601");
        if (c == 3 && rows.sourceIsGray()) steps.add("gray copied to R, G and B");
        return steps.isEmpty() ? "unchanged" : String.join(", ", steps);
    }
}

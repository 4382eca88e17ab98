package dev.fovea.viz;

import dev.fovea.FoveaException;
import dev.fovea.io.AtomicFiles;
import dev.fovea.tensor.Tensor;

import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/** Pictures in and out: tensors to images, PNG bytes, data URIs, and atomic file writes. */
public final class Images {
    private Images() {}

    /** One image (H, W, C), C 1 (gray) or 3 (RGB), values in [0, 1], as an RGB picture. */
    public static BufferedImage fromTensor(Tensor image) {
        if (image.rank() != 3 || (image.dim(2) != 1 && image.dim(2) != 3)) {
            throw new FoveaException("cannot draw " + image.shape() + " as a picture; an image is (H, W, 1) or (H, W, 3)");
        }
        return fromPixels(image.data(), 0, image.dim(0), image.dim(1), image.dim(2));
    }

    /** Pixels at px[offset...] laid out (H, W, C), C 1 or 3, values in [0, 1]. */
    public static BufferedImage fromPixels(float[] px, int offset, int h, int w, int c) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = offset + (y * w + x) * c;
                int rgb = c == 1 ? gray(level(px[i])) : level(px[i]) << 16 | level(px[i + 1]) << 8 | level(px[i + 2]);
                out.setRGB(x, y, rgb);
            }
        }
        return out;
    }

    /** A (H, W) plane of values in [0, 1] through a colour map. */
    public static BufferedImage heat(float[] plane, int h, int w, ColorMap map) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) out.setRGB(x, y, map.rgb(plane[y * w + x]));
        return out;
    }

    /** The picture enlarged by a whole factor, nearest neighbour. */
    public static BufferedImage enlarge(BufferedImage img, int factor) {
        if (factor <= 1) return img;
        BufferedImage out = new BufferedImage(img.getWidth() * factor, img.getHeight() * factor, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < out.getHeight(); y++) {
            for (int x = 0; x < out.getWidth(); x++) out.setRGB(x, y, img.getRGB(x / factor, y / factor));
        }
        return out;
    }

    /** The factor that brings the longer side to about {@code target} pixels (at least 1). */
    public static int factorFor(int h, int w, int target) {
        return Math.max(1, target / Math.max(h, w));
    }

    public static byte[] png(BufferedImage img) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        // In memory: ImageIO.write would cache on disk in java.io.tmpdir.
        try (ImageOutputStream ios = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(ios);
            writer.write(img);
        } catch (IOException e) {
            throw new UncheckedIOException("encoding PNG in memory", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** "data:image/png;base64,..." for pages that must stand alone. */
    public static String dataUri(byte[] png) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    }

    public static void writePng(Path file, BufferedImage img) {
        write(file, png(img));
    }

    public static void writeText(Path file, String text) {
        write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes {@code bytes} atomically ({@link AtomicFiles}: temporary file, fsync, rename), creating
     * the folder if needed, so a reader never sees half a file.
     */
    public static void write(Path file, byte[] bytes) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) Files.createDirectories(dir);
            AtomicFiles.write(file, bytes);
        } catch (IOException e) {
            throw new FoveaException(file + ": cannot write (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
    }

    private static int level(float v) {
        return Math.round(Math.min(1f, Math.max(0f, v)) * 255f);   // NaN -> 0
    }

    private static int gray(int v) {
        return v << 16 | v << 8 | v;
    }
}

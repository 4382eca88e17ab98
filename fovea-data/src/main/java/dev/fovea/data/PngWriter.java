package dev.fovea.data;

import dev.fovea.FoveaException;
import dev.fovea.io.AtomicFiles;
import dev.fovea.tensor.Tensor;

import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Writes an (H, W, C) tensor with values in [0, 1] as an 8-bit PNG: grayscale for C = 1, RGB for
 * C = 3. Values are clamped and rounded to the nearest of 256 levels, so a dataset image (stored
 * as k/255) survives a write and an {@link ImageLoader} read exactly.
 */
public final class PngWriter {
    private PngWriter() {}

    /**
     * Writes {@code image} to {@code file} atomically ({@link AtomicFiles}: temporary file, fsync,
     * rename): a reader never sees half a PNG, and a crash leaves the old file intact.
     */
    public static void write(Tensor image, Path file) {
        byte[] png = encode(image);
        try {
            AtomicFiles.write(file, png);
        } catch (IOException e) {
            throw new FoveaException(file + ": cannot write PNG (" + Errors.detail(e) + ")", e);
        }
    }

    /** The PNG bytes of {@code image}, (H, W, C) with C 1 or 3. */
    public static byte[] encode(Tensor image) {
        if (image.rank() != 3 || (image.dim(2) != 1 && image.dim(2) != 3)) {
            throw new FoveaException("cannot write " + image.shape() + " as PNG; an image is (H, W, 1) or (H, W, 3)");
        }
        int h = image.dim(0), w = image.dim(1), c = image.dim(2);
        float[] px = image.data();                              // (H, W, C)
        BufferedImage out = new BufferedImage(w, h, c == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        WritableRaster raster = out.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * c;
                if (c == 1) {
                    // Raster samples, not setRGB: setRGB would convert sRGB to linear gray.
                    raster.setSample(x, y, 0, level(px[i]));
                } else {
                    out.setRGB(x, y, (level(px[i]) << 16) | (level(px[i + 1]) << 8) | level(px[i + 2]));
                }
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        // An in-memory stream: ImageIO.write would use a disk cache in java.io.tmpdir.
        try (ImageOutputStream ios = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(ios);
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException("encoding PNG in memory", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static int level(float v) {
        // NaN becomes 0: Math.round(NaN) is 0.
        return Math.round(Math.min(1f, Math.max(0f, v)) * 255f);
    }
}

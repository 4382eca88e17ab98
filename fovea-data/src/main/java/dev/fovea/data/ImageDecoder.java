package dev.fovea.data;

import dev.fovea.FoveaException;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Decodes image files straight into a batch or cache array as (H, W, C) floats in [0, 1]: the
 * checks of {@link ImageLoader} (signature, pixel cap, header against decoded size), then colour
 * conversion, centre crop and resize in one pass, row by row, so a large photo is never held as
 * floats whole. Safe for concurrent use.
 */
final class ImageDecoder {
    private final ImageLoader loader;

    ImageDecoder(ImageLoader loader) {
        this.loader = loader;
    }

    /** Files up to this size are read whole and decoded from memory: one open and one read instead of two opens and many reads. */
    private static final long IN_MEMORY_BYTES = 16 << 20;

    /** Decodes file to outH x outW x c values into dst from off. */
    void decode(Path file, int outH, int outW, int c, boolean crop, float[] dst, int off) {
        ImageLoader.Converter<Void> into = (format, image) -> {
            convert(image, outH, outW, c, crop, dst, off);
            return null;
        };
        byte[] bytes = readSmall(file);
        if (bytes != null) loader.decode(file.toString(), bytes, into);
        else loader.decode(file, into);
    }

    /** The file's bytes when it is small (the common case in datasets), else null. */
    private static byte[] readSmall(Path file) {
        dev.fovea.io.InputFiles.requireRegular(file);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes((int) IN_MEMORY_BYTES + 1);
            return b.length <= IN_MEMORY_BYTES ? b : null;
        } catch (NoSuchFileException e) {
            throw new FoveaException(file + ": no such file");
        } catch (IOException e) {
            throw new FoveaException(file + ": cannot read (" + Errors.detail(e) + ")", e);
        }
    }

    static void convert(BufferedImage image, int outH, int outW, int c, boolean crop, float[] dst, int off) {
        int h = image.getHeight(), w = image.getWidth();
        int x0 = 0, y0 = 0, cw = w, ch = h;
        if (crop) {
            // The largest centred window with the target's aspect ratio (Keras's crop_to_aspect_ratio).
            if ((long) w * outH > (long) h * outW) {
                cw = (int) Math.clamp(Math.round((double) h * outW / outH), 1, w);
                x0 = (w - cw) / 2;
            } else {
                ch = (int) Math.clamp(Math.round((double) w * outH / outW), 1, h);
                y0 = (h - ch) / 2;
            }
        }
        PixelRows rows = new PixelRows(image, c);
        Resampler across = cw == outW ? null : Resampler.of(cw, outW);
        Resampler down = ch == outH ? null : Resampler.of(ch, outH);
        int rowOut = outW * c;
        float[] row = new float[w * c];                                // (W, C)
        float[] mid = down == null ? dst : new float[ch * rowOut];     // (ch, outW, C)
        int midOff = down == null ? off : 0;
        for (int y = 0; y < ch; y++) {
            rows.row(y0 + y, row, 0);
            if (across == null) System.arraycopy(row, x0 * c, mid, midOff + y * rowOut, rowOut);
            else across.apply(row, x0 * c, mid, midOff + y * rowOut, c);
        }
        if (down != null) down.apply(mid, 0, dst, off, rowOut);
        // Weights summing to 1 in float can overshoot by an ulp; the contract is [0, 1].
        for (int i = off, end = off + outH * rowOut; i < end; i++) dst[i] = Math.min(1f, Math.max(0f, dst[i]));
    }
}

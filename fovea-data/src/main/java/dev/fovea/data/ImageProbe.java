package dev.fovea.data;

import dev.fovea.FoveaException;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import java.awt.color.ColorSpace;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;

/**
 * Reads what an image file's header says (format, size, whether it is gray) without decoding its
 * pixels: how a folder of thousands of files is checked in a moment. A file fails the probe when
 * its leading bytes are no PNG, JPEG, BMP or GIF signature, its header cannot be read, or it
 * claims more pixels than the cap.
 */
final class ImageProbe {
    /** What the header says. */
    record Header(int width, int height, boolean gray) {}

    private ImageProbe() {}

    /** The header of file, or a FoveaException whose message starts with the file name. */
    static Header probe(Path file, long maxPixels) {
        String name = file.toString();
        try (ImageInputStream iis = new FileImageInputStream(file.toFile())) {
            byte[] head = new byte[ImageFormat.SNIFF_BYTES];
            int got = 0;
            while (got < head.length) {
                int r = iis.read(head, got, head.length - got);
                if (r < 0) break;
                got += r;
            }
            ImageFormat format = ImageFormat.sniff(head, got);
            if (format == null) throw new FoveaException(name + ": not a PNG, JPEG, BMP or GIF image");
            iis.seek(0);
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.imageioName);
            ImageReader reader = readers.next();
            try {
                reader.setInput(iis, true, true);
                int w = reader.getWidth(0), h = reader.getHeight(0);
                if (w < 1 || h < 1) throw new FoveaException(name + ": " + format + " header gives a size of " + w + "x" + h + " pixels");
                if ((long) w * h > maxPixels) {
                    throw new FoveaException(String.format(Locale.ROOT, "%s: %dx%d pixels is above the limit of %d pixels", name, w, h, maxPixels));
                }
                return new Header(w, h, isGray(reader));
            } catch (FoveaException e) {
                throw e;
            } catch (EOFException e) {
                throw new FoveaException(name + ": truncated " + format + " image (the header ends early)", e);
            } catch (IOException | RuntimeException e) {
                if (e.getCause() instanceof EOFException) {   // javax.imageio wraps running out of data
                    throw new FoveaException(name + ": truncated " + format + " image (the header ends early)", e);
                }
                throw new FoveaException(name + ": corrupt " + format + " header (" + Errors.detailWithType(e) + ")", e);
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new FoveaException(name + ": cannot read (" + Errors.detail(e) + ")", e);
        }
    }

    /** Gray as {@link PixelRows} decides it, plus palettes whose every entry is a gray. */
    private static boolean isGray(ImageReader reader) throws IOException {
        ImageTypeSpecifier type = reader.getRawImageType(0);
        if (type == null) {
            Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
            if (!types.hasNext()) return false;
            type = types.next();
        }
        ColorModel cm = type.getColorModel();
        if (cm instanceof IndexColorModel icm) {
            for (int i = 0; i < icm.getMapSize(); i++) {
                if (icm.getRed(i) != icm.getGreen(i) || icm.getGreen(i) != icm.getBlue(i)) return false;
            }
            return true;
        }
        return cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
    }
}

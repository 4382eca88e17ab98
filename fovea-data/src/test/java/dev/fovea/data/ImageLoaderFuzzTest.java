package dev.fovea.data;

import dev.fovea.FoveaException;
import dev.fovea.tensor.Shape;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Damaged files, made by flipping header bytes and cutting files short, may load or be refused,
 * but only ever with a one-line FoveaException: never a decoder's own exception or an error.
 */
class ImageLoaderFuzzTest {
    @Test
    void damagedImagesFailOnlyWithOneLineErrors() throws IOException {
        Random r = new Random(20240601);
        BufferedImage img = new BufferedImage(30, 20, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 20; y++) for (int x = 0; x < 30; x++) img.setRGB(x, y, r.nextInt(8) * 0x203040);
        ImageLoader loader = new ImageLoader();
        for (String format : new String[] {"png", "jpeg", "bmp", "gif"}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, format, out);
            byte[] good = out.toByteArray();
            for (int i = 0; i < 300; i++) {
                byte[] bad = good.clone();
                for (int k = 1 + r.nextInt(4); k > 0; k--) {
                    bad[8 + r.nextInt(Math.min(bad.length - 8, 64))] = (byte) r.nextInt(256);
                }
                if (r.nextInt(4) == 0) bad = Arrays.copyOf(bad, r.nextInt(bad.length));
                try {
                    loader.load(format + "#" + i, bad, Shape.of(28, 28, 1));
                } catch (FoveaException e) {
                    assertFalse(e.getMessage().contains("\n"), e.getMessage());
                } catch (Throwable t) {
                    fail(format + " damage #" + i + " escaped as " + t, t);
                }
            }
        }
    }
}

package dev.fovea.data;

import dev.fovea.FoveaException;
import dev.fovea.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 14, red-team items 7 and 10: a truncated JPEG and a named pipe given as an image. */
class HostileInputFilesTest {
    @TempDir Path dir;

    /** Item 7: the JDK's JPEG decoder pads a truncated image with grey and only warns; it is refused, as a truncated PNG is. */
    @Test
    void aTruncatedJpegIsRefusedLikeATruncatedPng() throws Exception {
        Random r = new Random(7);
        BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 48; y++) for (int x = 0; x < 64; x++) img.setRGB(x, y, r.nextInt(0xFFFFFF));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "jpeg", out);
        byte[] third = Arrays.copyOf(out.toByteArray(), out.size() / 3);
        ImageLoader loader = new ImageLoader();
        FoveaException e = assertThrows(FoveaException.class, () -> loader.load("cut.jpg", third, Shape.of(28, 28, 1)));
        assertTrue(e.getMessage().startsWith("cut.jpg: truncated or corrupt JPEG image"), e.getMessage());
        Path file = dir.resolve("cut.jpg");
        Files.write(file, third);
        FoveaException fromFile = assertThrows(FoveaException.class, () -> loader.load(file, Shape.of(28, 28, 1)));
        assertTrue(fromFile.getMessage().contains("truncated or corrupt JPEG image"), fromFile.getMessage());
        // the whole file still loads
        loader.load("whole.jpg", out.toByteArray(), Shape.of(28, 28, 1));
    }

    /** Item 10: a named pipe given as an image is refused at once instead of blocking forever. */
    @Test
    void aNamedPipeIsNotReadAsAnImage() throws Exception {
        Path fifo = dir.resolve("pipe.png");
        if (new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() != 0) return;   // no mkfifo on this system
        try {
            FoveaException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> assertThrows(FoveaException.class, () -> new ImageLoader().load(fifo, Shape.of(28, 28, 1))));
            assertTrue(e.getMessage().contains("named pipe"), e.getMessage());
            FoveaException idx = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> assertThrows(FoveaException.class, () -> new IdxReader().read(fifo)));
            assertTrue(idx.getMessage().contains("named pipe"), idx.getMessage());
        } finally {
            for (int i = 0; i < 2; i++) new ProcessBuilder("sh", "-c", "timeout 2 sh -c 'echo > \"$0\"' " + fifo).start().waitFor();
        }
    }
}

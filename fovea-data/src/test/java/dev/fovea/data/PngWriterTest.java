package dev.fovea.data;

import dev.fovea.FoveaException;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PngWriterTest {
    @TempDir Path tmp;

    private static Tensor levels(long seed, int... dims) {
        Tensor t = Tensor.zeros(dims);
        Random r = new Random(seed);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = r.nextInt(256) / 255f;
        return t;
    }

    @Test
    void grayAndRgbRoundTripExactly() {
        for (int c : new int[] {1, 3}) {
            Tensor image = levels(c, 7, 9, c);   // (H, W, C)
            Path f = tmp.resolve("img" + c + ".png");
            PngWriter.write(image, f);
            Tensor back = new ImageLoader().load(f, Shape.of(7, 9, c)).image();
            assertArrayEquals(image.data(), back.data());
        }
    }

    @Test
    void valuesAreClampedAndRounded() {
        Tensor image = Tensor.of(new float[] {-0.5f, 1.7f, Float.NaN, 0.5f}, 1, 4, 1);
        byte[] png = PngWriter.encode(image);
        float[] back = new ImageLoader().load("mem", png, Shape.of(1, 4, 1)).image().data();
        assertArrayEquals(new float[] {0f, 1f, 0f, 128 / 255f}, back);
    }

    @Test
    void overwritesLeavingNoTemporaryFiles() throws IOException {
        Path f = tmp.resolve("out.png");
        PngWriter.write(levels(1, 2, 2, 1), f);
        PngWriter.write(levels(2, 3, 3, 3), f);
        try (var files = Files.list(tmp)) {
            assertEquals(1, files.count());
        }
        assertEquals(Shape.of(3, 3, 3), new ImageLoader().load(f, Shape.of(3, 3, 3)).image().shape());
    }

    @Test
    void refusesNonImageShapes() {
        assertEquals("cannot write (2, 2, 2) as PNG; an image is (H, W, 1) or (H, W, 3)",
                assertThrows(FoveaException.class, () -> PngWriter.encode(Tensor.zeros(2, 2, 2))).getMessage());
        assertThrows(FoveaException.class, () -> PngWriter.encode(Tensor.zeros(1, 2, 2, 1)));
    }
}

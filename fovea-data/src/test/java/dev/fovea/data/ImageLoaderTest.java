package dev.fovea.data;

import dev.fovea.FoveaException;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageLoaderTest {
    @TempDir Path tmp;

    private final ImageLoader loader = new ImageLoader();

    /** 20x10 RGB in four flat quadrants, so a lossy JPEG stays close inside each. */
    private static BufferedImage quadrants() {
        BufferedImage img = new BufferedImage(20, 10, BufferedImage.TYPE_INT_RGB);
        int[] colours = {0xFF0000, 0x00FF00, 0x0000FF, 0xFFFFFF};
        for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 20; x++) img.setRGB(x, y, colours[(y / 5) * 2 + x / 10]);
        }
        return img;
    }

    private Path save(BufferedImage img, String format, String name) throws IOException {
        Path f = tmp.resolve(name);
        assertTrue(ImageIO.write(img, format, f.toFile()), "no " + format + " writer");
        return f;
    }

    private static void assertQuadrants(Tensor t, float tolerance) {
        float[][] expected = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 1, 1}};
        // Sample each quadrant's centre pixel.
        int[][] centres = {{2, 5}, {2, 15}, {7, 5}, {7, 15}};
        for (int q = 0; q < 4; q++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(expected[q][c], t.get(centres[q][0], centres[q][1], c), tolerance, "quadrant " + q + " channel " + c);
            }
        }
    }

    @Test
    void pngLoadsExactly() throws IOException {
        LoadedImage li = loader.load(save(quadrants(), "png", "q.png"), Shape.of(10, 20, 3));
        assertQuadrants(li.image(), 0f);
        assertEquals(tmp.resolve("q.png") + ": PNG 20x10 RGB -> 20x10 RGB (unchanged)", li.description());
    }

    @Test
    void bmpLoadsExactly() throws IOException {
        LoadedImage li = loader.load(save(quadrants(), "bmp", "q.bmp"), Shape.of(10, 20, 3));
        assertQuadrants(li.image(), 0f);
        assertTrue(li.description().contains(": BMP 20x10"), li.description());
    }

    @Test
    void gifLoadsExactly() throws IOException {
        // Four colours fit any palette, so GIF is lossless here.
        LoadedImage li = loader.load(save(quadrants(), "gif", "q.gif"), Shape.of(10, 20, 3));
        assertQuadrants(li.image(), 0f);
        assertTrue(li.description().contains(": GIF 20x10"), li.description());
    }

    @Test
    void jpegLoadsClosely() throws IOException {
        LoadedImage li = loader.load(save(quadrants(), "jpeg", "q.jpg"), Shape.of(10, 20, 3));
        assertQuadrants(li.image(), 0.15f);
        assertTrue(li.description().contains(": JPEG 20x10 RGB"), li.description());
    }

    @Test
    void formatComesFromContentNotName() throws IOException {
        Path misnamed = save(quadrants(), "png", "really-a-png.jpg");
        assertTrue(loader.load(misnamed, Shape.of(10, 20, 3)).description().contains(": PNG 20x10"));
    }

    @Test
    void nonImageIsRefused() throws IOException {
        Path f = Files.writeString(tmp.resolve("notes.png"), "hello, not an image");
        assertEquals(f + ": not a PNG, JPEG, BMP or GIF image",
                assertThrows(FoveaException.class, () -> loader.load(f, Shape.of(28, 28, 1))).getMessage());
        Path empty = Files.write(tmp.resolve("empty.gif"), new byte[0]);
        assertEquals(empty + ": not a PNG, JPEG, BMP or GIF image",
                assertThrows(FoveaException.class, () -> loader.load(empty, Shape.of(28, 28, 1))).getMessage());
    }

    @Test
    void missingFileIsNamed() {
        Path f = tmp.resolve("gone.png");
        assertEquals(f + ": no such file",
                assertThrows(FoveaException.class, () -> loader.load(f, Shape.of(28, 28, 1))).getMessage());
    }

    /** A PNG signature and IHDR chunk only: a header claiming a size, with no pixel data at all. */
    private static byte[] pngHeaderOnly(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(17);
        ihdr.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0); // 8-bit gray
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        ByteBuffer png = ByteBuffer.allocate(8 + 4 + 17 + 4);
        png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        png.putInt(13).put(ihdr.array()).putInt((int) crc.getValue());
        return png.array();
    }

    @Test
    void hugeImageIsRefusedFromItsHeader() throws IOException {
        // 10^10 pixels: decoding would need 10 GB; the 33-byte file is refused from IHDR alone.
        Path f = Files.write(tmp.resolve("huge.png"), pngHeaderOnly(100_000, 100_000));
        String msg = assertThrows(FoveaException.class, () -> loader.load(f, Shape.of(28, 28, 1))).getMessage();
        assertEquals(f + ": 100000x100000 pixels (10000.0 megapixels) is above the limit of 40 megapixels;"
                + " shrink the image or raise the limit", msg);
    }

    @Test
    void pixelCapIsConfigurable() throws IOException {
        Path f = save(quadrants(), "png", "q.png");
        String msg = assertThrows(FoveaException.class, () -> new ImageLoader(199).load(f, Shape.of(10, 20, 3))).getMessage();
        assertEquals(f + ": 20x10 pixels (0.0 megapixels) is above the limit of 199 pixels; shrink the image or raise the limit", msg);
        new ImageLoader(200).load(f, Shape.of(10, 20, 3));
    }

    @Test
    void headerWithoutPixelDataIsCorrupt() throws IOException {
        Path f = Files.write(tmp.resolve("hollow.png"), pngHeaderOnly(10, 10));
        String msg = assertThrows(FoveaException.class, () -> loader.load(f, Shape.of(28, 28, 1))).getMessage();
        assertTrue(msg.startsWith(f + ": corrupt"), msg);
        assertTrue(!msg.contains("\n"), msg);
    }

    @Test
    void colourBecomesBt601Luminance() throws IOException {
        BufferedImage img = new BufferedImage(5, 1, BufferedImage.TYPE_INT_RGB);
        int[] colours = {0xFF0000, 0x00FF00, 0x0000FF, 0xFFFFFF, 0x336699};
        for (int x = 0; x < 5; x++) img.setRGB(x, 0, colours[x]);
        LoadedImage li = loader.load(save(img, "png", "rgb.png"), Shape.of(1, 5, 1));
        float[] expected = {0.299f, 0.587f, 0.114f, 1f, (0.299f * 0x33 + 0.587f * 0x66 + 0.114f * 0x99) / 255f};
        assertArrayEquals(expected, li.image().data(), 1e-6f);
        assertTrue(li.description().endsWith("-> 5x1 grayscale (luminance BT.601)"), li.description());
    }

    @Test
    void grayIsReadAsStoredNotBrightened() throws IOException {
        BufferedImage img = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_GRAY);
        int[] levels = {0, 51, 128, 255};
        for (int x = 0; x < 4; x++) img.getRaster().setSample(x, 0, 0, levels[x]);
        Path f = save(img, "png", "gray.png");
        assertArrayEquals(new float[] {0f, 0.2f, 128 / 255f, 1f}, loader.load(f, Shape.of(1, 4, 1)).image().data());
        LoadedImage rgb = loader.load(f, Shape.of(1, 4, 3));
        assertArrayEquals(new float[] {0.2f, 0.2f, 0.2f}, new float[] {rgb.image().get(0, 1, 0), rgb.image().get(0, 1, 1), rgb.image().get(0, 1, 2)});
        assertTrue(rgb.description().endsWith("(gray copied to R, G and B)"), rgb.description());
    }

    @Test
    void alphaIsCompositedOverBlack() throws IOException {
        BufferedImage img = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
        img.setRGB(0, 0, 0x80FFFFFF);  // half-transparent white
        img.setRGB(1, 0, 0x00FF0000);  // fully transparent red
        img.setRGB(2, 0, 0xFFFFFFFF);  // opaque white
        LoadedImage li = loader.load(save(img, "png", "alpha.png"), Shape.of(1, 3, 1));
        assertArrayEquals(new float[] {128 / 255f, 0f, 1f}, li.image().data(), 1e-6f);
        assertTrue(li.description().contains("RGBA -> 3x1 grayscale (alpha composited over black, luminance BT.601)"),
                li.description());
    }

    private Path grayPng(int w, int h, float[] values) throws IOException {
        Path f = tmp.resolve("g" + w + "x" + h + ".png");
        PngWriter.write(Tensor.of(values, h, w, 1), f);
        return f;
    }

    @Test
    void shrinkingAveragesAreas() throws IOException {
        // 4x4 in 2x2 blocks of 0, 0.2, 0.6, 1 -> exactly those four values at 2x2.
        float[] v = new float[16];
        float[] blocks = {0f, 0.2f, 0.6f, 1f};
        for (int y = 0; y < 4; y++) for (int x = 0; x < 4; x++) v[y * 4 + x] = blocks[(y / 2) * 2 + x / 2];
        LoadedImage li = loader.load(grayPng(4, 4, v), Shape.of(2, 2, 1));
        assertArrayEquals(blocks, li.image().data(), 1e-6f);
        assertTrue(li.description().endsWith("-> 2x2 grayscale (resized by area averaging)"), li.description());
    }

    @Test
    void shrinkingByAFractionWeighsPartialPixels() throws IOException {
        // 3 -> 2: each output covers 1.5 inputs, so [0, 0.4, 1] -> [(2*0 + 0.4)/3, (0.4 + 2*1)/3].
        LoadedImage li = loader.load(grayPng(3, 1, new float[] {0f, 0.4f, 1f}), Shape.of(1, 2, 1));
        assertArrayEquals(new float[] {0.4f / 3, 2.4f / 3}, li.image().data(), 1e-6f);
    }

    @Test
    void enlargingInterpolatesBetweenCentres() throws IOException {
        // 2 -> 4 with centres aligned: positions -0.25 (clamped), 0.25, 0.75, 1.25 (clamped).
        LoadedImage li = loader.load(grayPng(2, 1, new float[] {0f, 1f}), Shape.of(1, 4, 1));
        assertArrayEquals(new float[] {0f, 0.25f, 0.75f, 1f}, li.image().data(), 1e-6f);
        assertTrue(li.description().contains("resized by bilinear interpolation"), li.description());
    }

    @Test
    void constantImagesStayConstantAtAnySize() throws IOException {
        for (int[] size : new int[][] {{37, 23}, {7, 5}, {28, 60}, {1, 1}}) {
            float[] v = new float[size[0] * size[1]];
            java.util.Arrays.fill(v, 0.6f);
            LoadedImage li = loader.load(grayPng(size[0], size[1], v), Shape.of(28, 28, 1));
            for (float x : li.image().data()) assertEquals(0.6f, x, 1e-6f, li.description());
        }
    }

    @Test
    void mixedResizeSaysWhatEachAxisDid() throws IOException {
        LoadedImage li = loader.load(grayPng(40, 10, new float[400]), Shape.of(28, 28, 1));
        assertTrue(li.description().endsWith("-> 28x28 grayscale (resized by area averaging across and bilinear"
                + " interpolation down, aspect 4.00 stretched to 1.00)"), li.description());
    }

    @Test
    void targetMustBeAnImageShape() {
        Path f = tmp.resolve("x.png");
        assertEquals("model input (28, 28, 2) is not an image shape; images load as (H, W, 1) grayscale or (H, W, 3) RGB",
                assertThrows(FoveaException.class, () -> loader.load(f, Shape.of(28, 28, 2))).getMessage());
        assertThrows(FoveaException.class, () -> loader.load(f, Shape.of(784)));
    }

    @Test
    void bytesInMemoryLoadToo() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(quadrants(), "bmp", out);
        LoadedImage li = loader.load("upload", out.toByteArray(), Shape.of(10, 20, 3));
        assertQuadrants(li.image(), 0f);
        assertEquals("upload: not a PNG, JPEG, BMP or GIF image",
                assertThrows(FoveaException.class, () -> loader.load("upload", new byte[] {1, 2}, Shape.of(1, 1, 1))).getMessage());
    }

    @Test
    void committedTestImageIsTheFashionMnistItemItWasExportedFrom() throws IOException {
        // fashion-mnist-t10k-1-pullover.png: official test item 1, the embedded test subset's item 0,
        // written by PngWriter. Loading it must give back the dataset's floats bit for bit.
        byte[] png;
        try (InputStream in = getClass().getResourceAsStream("fashion-mnist-t10k-1-pullover.png")) {
            png = in.readAllBytes();
        }
        Dataset test = DataSources.embedded().load().test();
        LoadedImage li = loader.load("pullover.png", png, test.imageShape());
        assertEquals(2, test.label(0)); // Pullover
        assertArrayEquals(test.image(0).data(), li.image().data());
        assertEquals("pullover.png: PNG 28x28 grayscale -> 28x28 grayscale (unchanged)", li.description());
    }
}

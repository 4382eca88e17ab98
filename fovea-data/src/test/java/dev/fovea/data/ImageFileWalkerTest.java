package dev.fovea.data;

import dev.fovea.FoveaException;
import dev.fovea.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The walk: recursion, sorted order, images by content, hidden files, links, skipped counts, strict mode. */
class ImageFileWalkerTest {
    @TempDir Path tmp;

    private static void image(Path file, String format, int shade) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(6, 4, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 4; y++) for (int x = 0; x < 6; x++) img.setRGB(x, y, (shade << 16) | (x * 40 << 8) | y * 60);
        assertTrue(ImageIO.write(img, format, file.toFile()));
    }

    private static List<String> walk(List<Path> roots, Path base) {
        List<String> names = new ArrayList<>();
        new ImageFileWalker(roots, false).forEachRemaining(p -> names.add(base.relativize(p).toString()));
        return names;
    }

    @Test
    void findsImagesByContentDepthFirstInSortedOrder() throws IOException {
        Path root = tmp.resolve("photos");
        image(root.resolve("b.png"), "png", 10);
        image(root.resolve("a/z.jpg"), "jpeg", 20);
        image(root.resolve("a/deeper/y.bmp"), "bmp", 30);
        image(root.resolve("a/photo.dat"), "gif", 40);             // an image whatever its name says
        Files.writeString(root.resolve("a/notes.png"), "not an image at all");
        Files.writeString(root.resolve("README"), "hello");
        Files.write(root.resolve("a/empty.jpg"), new byte[0]);
        image(root.resolve(".hidden/h.png"), "png", 50);
        image(root.resolve(".h.png"), "png", 60);
        Files.write(root.resolve("corrupt.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3});
        Files.createSymbolicLink(root.resolve("loop"), root);       // a link to a folder: not followed
        Files.createSymbolicLink(root.resolve("link.png"), root.resolve("b.png"));   // a link to a file: followed

        ImageFileWalker w = new ImageFileWalker(List.of(root), false);
        List<String> found = new ArrayList<>();
        w.forEachRemaining(p -> found.add(tmp.relativize(p).toString()));
        assertEquals(List.of("photos/a/deeper/y.bmp", "photos/a/photo.dat", "photos/a/z.jpg", "photos/b.png",
                "photos/corrupt.png", "photos/link.png"), found, "corrupt.png has a PNG signature: it is decoded (and fails) later");
        assertEquals(3, w.skipped(), "README, a/empty.jpg and a/notes.png");
        assertEquals(6, w.found());
        assertTrue(w.skippedSummary().startsWith("skipped 3 files that are not images: "), w.skippedSummary());
        assertTrue(w.skippedSummary().contains("notes.png: not a PNG, JPEG, BMP or GIF image"), w.skippedSummary());
        assertEquals(9, ImageFileWalker.countFiles(List.of(root)), "every visible file, images or not: an upper bound for progress");
    }

    @Test
    void filesNamedDirectlyAreAlwaysReturnedInTheOrderGiven() throws IOException {
        image(tmp.resolve("d/x.png"), "png", 1);
        image(tmp.resolve("d/w.png"), "png", 2);
        Path text = tmp.resolve("list.txt");
        Files.writeString(text, "asked for by name");
        Path single = tmp.resolve("single.gif");
        image(single, "gif", 3);
        assertEquals(List.of("single.gif", "list.txt", "d/w.png", "d/x.png"), walk(List.of(single, text, tmp.resolve("d")), tmp));
        assertThrows(FoveaException.class, () -> new ImageFileWalker(List.of(tmp.resolve("nowhere")), false));
    }

    @Test
    void strictRefusesTheFirstFileThatIsNotAnImage() throws IOException {
        image(tmp.resolve("a.png"), "png", 1);
        Files.writeString(tmp.resolve("b.txt"), "x");
        ImageFileWalker w = new ImageFileWalker(List.of(tmp), true);
        assertEquals(tmp.resolve("a.png"), w.next());
        FoveaException e = assertThrows(FoveaException.class, w::hasNext);
        assertTrue(e.getMessage().startsWith(tmp.resolve("b.txt") + ": not a PNG, JPEG, BMP or GIF image"), e.getMessage());
    }

    @Test
    void imageInputReadsWhatImageLoaderLoads() throws IOException {
        Path f = tmp.resolve("x.jpg");
        image(f, "jpeg", 200);
        Shape target = Shape.of(3, 5, 1);
        float[] dst = new float[2 + target.size()];
        ImageLoader loader = new ImageLoader();
        new ImageInput(f, target, loader).read(dst, 2);
        float[] expected = loader.load(f, target).image().data();
        float[] got = new float[target.size()];
        System.arraycopy(dst, 2, got, 0, got.length);
        assertArrayEquals(expected, got);
        assertEquals(f.toString(), new ImageInput(f, target, loader).name());
    }
}

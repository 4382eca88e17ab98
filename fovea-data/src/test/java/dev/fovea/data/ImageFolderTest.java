package dev.fovea.data;

import dev.fovea.FoveaException;
import dev.fovea.data.pipeline.Examples;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;
import dev.fovea.train.Batch;
import dev.fovea.train.BatchIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageFolderTest {
    @TempDir Path tmp;

    static Tensor image(int h, int w, int c, long seed) {
        Tensor t = Tensor.zeros(h, w, c);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < t.size(); i++) t.data()[i] = r.nextInt(256) / 255f;
        return t;
    }

    static Path png(Path file, int h, int w, int c, long seed) throws IOException {
        Files.createDirectories(file.getParent());
        PngWriter.write(image(h, w, c, seed), file);
        return file;
    }

    static Path text(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    private final List<String> warnings = new ArrayList<>();

    private DataOptions options() {
        return DataOptions.defaults().warnings(warnings::add);
    }

    private static float[] read(Examples ex, int i) {
        float[] out = new float[ex.exampleShape().size()];
        ex.read(i, out, 0);
        return out;
    }

    @Test
    void classesAreSortedSubFoldersAndFilesBelowThemAtAnyDepth() throws IOException {
        png(tmp.resolve("dog/b.png"), 6, 5, 1, 1);
        png(tmp.resolve("cat/z.png"), 6, 5, 1, 2);
        png(tmp.resolve("cat/deep/er/a.png"), 6, 5, 1, 3);
        png(tmp.resolve("cat/.hidden.png"), 6, 5, 1, 4);
        png(tmp.resolve(".thumbnails/x.png"), 6, 5, 1, 5);
        png(tmp.resolve("cat/.cache/y.png"), 6, 5, 1, 6);
        text(tmp.resolve("README.txt"), "files in the root are not examples");
        ImageFolder f = ImageFolder.open(tmp, options());
        assertEquals(List.of("cat", "dog"), f.classNames());
        assertEquals(3, f.size());
        assertArrayEquals(new int[] {0, 0, 1}, f.labels());
        assertEquals(Shape.of(6, 5, 1), f.exampleShape());
        assertEquals(tmp.resolve("cat/deep/er/a.png").toString(), f.examples().describe(0));   // sorted by path
        // Decoded exactly as ImageLoader loads the file: PNG pixels k/255 survive.
        assertArrayEquals(image(6, 5, 1, 3).data(), read(f.examples(), 0));
        assertArrayEquals(new ImageLoader().load(tmp.resolve("dog/b.png"), Shape.of(6, 5, 1)).image().data(), read(f.examples(), 2));
        assertTrue(warnings.isEmpty(), warnings.toString());
    }

    @Test
    void unreadableFilesAreSkippedWithACountAndTheFirstNames() throws IOException {
        png(tmp.resolve("a/1.png"), 4, 4, 3, 1);
        png(tmp.resolve("b/1.png"), 4, 4, 3, 2);
        text(tmp.resolve("a/notes.txt"), "not an image");
        Files.write(tmp.resolve("b/fake.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0});
        ImageFolder f = ImageFolder.open(tmp, options());
        assertEquals(2, f.size());
        assertEquals(2, f.skipped().size());
        assertEquals(List.of(tmp + ": skipped 2 of 4 files that are not readable images (DataOptions.strict refuses them): "
                + tmp.resolve("a/notes.txt") + ": not a PNG, JPEG, BMP or GIF image; "
                + tmp.resolve("b/fake.png") + ": truncated PNG image (the header ends early)"), warnings);
        FoveaException e = assertThrows(FoveaException.class, () -> ImageFolder.open(tmp, options().strict(true)));
        assertEquals(tmp.resolve("a/notes.txt") + ": not a PNG, JPEG, BMP or GIF image (refused under DataOptions.strict;"
                + " without it such files are skipped)", e.getMessage());
    }

    @Test
    void manySkippedFilesAreSummarised() throws IOException {
        png(tmp.resolve("a/ok.png"), 2, 2, 1, 1);
        for (int i = 0; i < 8; i++) text(tmp.resolve("a/n" + i + ".txt"), "x");
        ImageFolder f = ImageFolder.open(tmp, options());
        assertTrue(f.skippedSummary().startsWith(tmp + ": skipped 8 of 9 files"), f.skippedSummary());
        assertTrue(f.skippedSummary().endsWith("; and 3 more"), f.skippedSummary());
    }

    /** A PNG whose header is intact but whose pixel data is cut off. */
    private Path truncatedPng(Path file) throws IOException {
        Path whole = png(file, 30, 30, 3, 9);
        byte[] b = Files.readAllBytes(whole);
        Files.write(file, Arrays.copyOf(b, 33 + 30));   // signature + IHDR + the start of IDAT
        return file;
    }

    @Test
    void corruptPixelDataIsFoundByVerificationAndSkipped() throws IOException {
        for (int i = 0; i < 3; i++) png(tmp.resolve("a/" + i + ".png"), 30, 30, 3, i);
        png(tmp.resolve("b/0.png"), 30, 30, 3, 7);
        truncatedPng(tmp.resolve("b/bad.png"));
        ImageFolder f = ImageFolder.open(tmp, options());   // fits the cache, so verified
        assertEquals(4, f.size());
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains(tmp.resolve("b/bad.png") + ": "), warnings.get(0));
        assertEquals(5, f.cache().misses(), "verification decoded every image once, into the cache");
        read(f.examples(), 3);
        assertEquals(1, f.cache().hits());
        // Without verification the bad file is met in training: the epoch stops naming it.
        ImageFolder unverified = ImageFolder.open(tmp, options().verify(false));
        assertEquals(5, unverified.size());
        try (var s = DataOptions.defaults().pipeline(unverified.examples()); BatchIterator it = s.batches(0, 0, 5, false, 0)) {
            FoveaException e = assertThrows(FoveaException.class, it::next);
            assertTrue(e.getMessage().startsWith(tmp.resolve("b/bad.png") + ": "), e.getMessage());
        }
    }

    @Test
    void aClassWithoutImagesIsAnError() throws IOException {
        png(tmp.resolve("a/1.png"), 4, 4, 1, 1);
        text(tmp.resolve("b/readme.txt"), "x");
        FoveaException e = assertThrows(FoveaException.class, () -> ImageFolder.open(tmp, options()));
        assertEquals(tmp.resolve("b") + ": class \"b\" has no images (1 unreadable files skipped); every class folder needs"
                + " at least one PNG, JPEG, BMP or GIF image", e.getMessage());
        Files.delete(tmp.resolve("b/readme.txt"));
        e = assertThrows(FoveaException.class, () -> ImageFolder.open(tmp, options()));
        assertEquals(tmp.resolve("b") + ": class \"b\" has no images; every class folder needs at least one PNG, JPEG, BMP or GIF image",
                e.getMessage());
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        e = assertThrows(FoveaException.class, () -> ImageFolder.open(empty, options()));
        assertEquals(empty + ": no class sub-folders; an image folder holds one sub-folder of images per class", e.getMessage());
    }

    @Test
    void imagesOfDifferentSizesNeedATargetSize() throws IOException {
        png(tmp.resolve("a/1.png"), 4, 4, 1, 1);
        png(tmp.resolve("b/2.png"), 4, 4, 1, 2);
        png(tmp.resolve("b/3.png"), 6, 5, 1, 3);
        FoveaException e = assertThrows(FoveaException.class, () -> ImageFolder.open(tmp, options()));
        assertEquals(tmp + ": images differ in size: " + tmp.resolve("a/1.png") + " is 4x4 but " + tmp.resolve("b/3.png")
                + " is 5x6; give an image size (DataOptions.imageSize(height, width)) to resize them all", e.getMessage());
        ImageFolder f = ImageFolder.open(tmp, options().imageSize(8, 3));
        assertEquals(Shape.of(8, 3, 1), f.exampleShape());
        assertArrayEquals(new ImageLoader().load(tmp.resolve("b/3.png"), Shape.of(8, 3, 1)).image().data(), read(f.examples(), 2));
    }

    @Test
    void colourModeIsGrayWhenEveryImageIsGrayUnlessSaidOtherwise() throws IOException {
        png(tmp.resolve("a/g.png"), 3, 3, 1, 1);
        BufferedImage jpeg = new BufferedImage(3, 3, BufferedImage.TYPE_BYTE_GRAY);
        Files.createDirectories(tmp.resolve("b"));
        ImageIO.write(jpeg, "jpeg", tmp.resolve("b/g.jpg").toFile());
        assertEquals(Shape.of(3, 3, 1), ImageFolder.open(tmp, options()).exampleShape());
        assertEquals(Shape.of(3, 3, 3), ImageFolder.open(tmp, options().colorMode(ColorMode.RGB)).exampleShape());
        png(tmp.resolve("b/c.png"), 3, 3, 3, 2);
        assertEquals(Shape.of(3, 3, 3), ImageFolder.open(tmp, options()).exampleShape());
        ImageFolder gray = ImageFolder.open(tmp, options().colorMode(ColorMode.GRAYSCALE));
        assertEquals(Shape.of(3, 3, 1), gray.exampleShape());
        assertArrayEquals(new ImageLoader().load(tmp.resolve("b/c.png"), Shape.of(3, 3, 1)).image().data(), read(gray.examples(), 1));
    }

    @Test
    void cropToAspectKeepsTheCentralWindow() throws IOException {
        // 20 wide, 10 high: black left quarter, white middle half, black right quarter.
        BufferedImage img = new BufferedImage(20, 10, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 10; y++) for (int x = 5; x < 15; x++) img.getRaster().setSample(x, y, 0, 255);
        Files.createDirectories(tmp.resolve("a"));
        ImageIO.write(img, "png", tmp.resolve("a/wide.png").toFile());
        float[] cropped = read(ImageFolder.open(tmp, options().imageSize(5, 5).cropToAspect(true)).examples(), 0);
        for (float v : cropped) assertEquals(1f, v, "the centred 10x10 window is all white");
        float[] squashed = read(ImageFolder.open(tmp, options().imageSize(5, 5)).examples(), 0);
        assertEquals(0f, squashed[0], 0.01f, "without cropping the black edge stays");
    }

    @Test
    void trainAndTestFoldersShareTheTrainingClasses() throws IOException {
        for (int i = 0; i < 3; i++) {
            png(tmp.resolve("train/a/" + i + ".png"), 4, 4, 1, i);
            png(tmp.resolve("train/b/" + i + ".png"), 4, 4, 1, 10 + i);
        }
        png(tmp.resolve("test/b/0.png"), 4, 4, 1, 20);
        DataSource src = DataSources.resolve(tmp.toString(), null, options());
        assertEquals("image folders " + tmp.resolve("train") + " and " + tmp.resolve("test"), src.description());
        TrainTest tt = src.load();
        assertEquals(6, tt.train().size());
        assertEquals(1, tt.test().size());
        assertEquals(1, tt.test().label(0));
        assertEquals(List.of("a", "b"), tt.test().classNames());
        png(tmp.resolve("test/c/0.png"), 4, 4, 1, 21);
        FoveaException e = assertThrows(FoveaException.class, src::load);
        assertEquals(tmp.resolve("test/c") + ": class \"c\" is not among the training classes [a, b]", e.getMessage());
        Files.delete(tmp.resolve("test/c/0.png"));
        Files.delete(tmp.resolve("test/c"));
        png(tmp.resolve("test/a/big.png"), 5, 4, 1, 22);
        e = assertThrows(FoveaException.class, src::load);
        assertTrue(e.getMessage().startsWith(tmp.resolve("test") + ": images differ in size: " + tmp.resolve("test/a/big.png")
                + " is 4x5 but the training images are 4x4"), e.getMessage());
    }

    @Test
    void aSingleTreeIsSplitBySeedAndStreamedOrLoadedAlike() throws IOException {
        for (int i = 0; i < 10; i++) {
            png(tmp.resolve("x/" + i + ".png"), 3, 3, 1, i);
            png(tmp.resolve("y/" + i + ".png"), 3, 3, 1, 100 + i);
        }
        DataOptions o = options().validationSplit(0.3).seed(5);
        DataSource src = DataSources.resolve(tmp.toString(), null, o);
        assertEquals("image folder " + tmp + " (30.0% held out, seed 5)", src.description());
        TrainTest tt = src.load();
        assertEquals(14, tt.train().size());
        assertEquals(6, tt.test().size());
        assertArrayEquals(new int[] {7, 7}, tt.train().classCounts());
        try (Streams s = DataSources.open(src, o)) {
            assertEquals(14, s.train().size());
            float[] first;
            try (BatchIterator it = s.test().batches(0, 0, 6, false, 0)) {
                Batch b = it.next();
                first = b.images().data().clone();
                assertNull(it.next());
            }
            assertArrayEquals(tt.test().images().data(), first);
            assertArrayEquals(tt.test().images().data(), s.testInMemory().images().data());
        }
        TrainTest other = DataSources.resolve(tmp.toString(), null, o.seed(6)).load();
        assertTrue(!Arrays.equals(tt.test().images().data(), other.test().images().data()), "another seed holds out other images");
        FoveaException e = assertThrows(FoveaException.class, () -> DataSources.resolve(tmp.toString(), null, o.validationSplit(0)).load());
        assertTrue(e.getMessage().startsWith(tmp + ": a single class tree needs a validation split above 0"), e.getMessage());
    }
}

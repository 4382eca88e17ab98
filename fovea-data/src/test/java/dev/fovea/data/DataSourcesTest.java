package dev.fovea.data;

import dev.fovea.FoveaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.fovea.data.IdxTestFiles.gzip;
import static dev.fovea.data.IdxTestFiles.images;
import static dev.fovea.data.IdxTestFiles.labels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataSourcesTest {
    @TempDir Path tmp;

    /** A small MNIST-layout folder, some files gzipped and some not. */
    private Path folder(int... testLabels) throws IOException {
        Files.write(tmp.resolve("train-images-idx3-ubyte.gz"), gzip(images(4, 3, 3)));
        Files.write(tmp.resolve("train-labels-idx1-ubyte"), labels(0, 1, 2, 9));
        Files.write(tmp.resolve("t10k-images-idx3-ubyte"), images(testLabels.length, 3, 3));
        Files.write(tmp.resolve("t10k-labels-idx1-ubyte.gz"), gzip(labels(testLabels)));
        return tmp;
    }

    @Test
    void idxFolderMixingPlainAndGzipLoadsWithDigitNames() throws IOException {
        TrainTest tt = DataSources.idxDirectory(folder(3, 4)).load();
        assertEquals(4, tt.train().size());
        assertEquals(2, tt.test().size());
        assertEquals(IdxSource.DIGITS, tt.train().classNames());
        assertEquals("0", tt.train().classNames().get(0));
        assertEquals("9", tt.train().classNames().get(9));
    }

    @Test
    void classNamesCanBeGiven() throws IOException {
        List<String> names = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
        TrainTest tt = DataSources.resolve(folder(1).toString(), names).load();
        assertEquals(names, tt.test().classNames());
    }

    @Test
    void tooFewNamesForTheLabelsIsAnError() throws IOException {
        DataSource src = DataSources.idxDirectory(folder(1), List.of("a", "b", "c"));
        String msg = assertThrows(FoveaException.class, src::load).getMessage();
        assertEquals(tmp.resolve("train-labels-idx1-ubyte") + ": label 9 at item 3 is outside 0..2 (3 class names);"
                + " give one class name per class", msg);
    }

    @Test
    void folderListsWhatIsMissing() throws IOException {
        Files.write(tmp.resolve("train-images-idx3-ubyte.gz"), gzip(images(1, 1, 1)));
        Files.write(tmp.resolve("t10k-images-idx3-ubyte"), images(1, 1, 1));
        String msg = assertThrows(FoveaException.class, () -> DataSources.idxDirectory(tmp)).getMessage();
        assertEquals(tmp + ": missing train-labels-idx1-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]; a data folder holds"
                + " train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte"
                + " (each optionally .gz)", msg);
    }

    @Test
    void countMismatchInAFolderNamesBothFiles() throws IOException {
        folder(1, 2);
        Files.write(tmp.resolve("t10k-images-idx3-ubyte"), images(3, 3, 3));
        String msg = assertThrows(FoveaException.class, () -> DataSources.idxDirectory(tmp).load()).getMessage();
        assertEquals(tmp.resolve("t10k-images-idx3-ubyte") + " holds 3 images but " + tmp.resolve("t10k-labels-idx1-ubyte.gz")
                + " holds 2 labels; they must be the same length", msg);
    }

    @Test
    void absentFashionMnistSaysHowToInstallIt() {
        String msg = assertThrows(FoveaException.class,
                () -> DataSources.fashionMnist(tmp.resolve("nowhere"), FashionMnist.CLASS_NAMES)).getMessage();
        assertTrue(msg.startsWith("Fashion-MNIST not found in " + tmp.resolve("nowhere")
                + " (missing train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz,"
                + " t10k-labels-idx1-ubyte.gz)"), msg);
        assertTrue(msg.endsWith("install it with `sudo apt-get install dataset-fashion-mnist` or give the folder that holds it (DataSources.fashionMnist(dir, classNames))"), msg);
    }

    @Test
    void resolveNamesTheAcceptedSpellings() {
        String missing = tmp.resolve("absent").toString();
        assertEquals("'" + missing + "': no such directory; accepted are embedded, fashion-mnist or a directory of IDX files,"
                + " CIFAR-10 binary batches, or images in one sub-folder per class",
                assertThrows(FoveaException.class, () -> DataSources.resolve(missing)).getMessage());
        assertTrue(DataSources.resolve("embedded").description().contains("embedded"));
    }

    @Test
    void aFileIsNotAFolder() throws IOException {
        Path f = Files.write(tmp.resolve("file"), new byte[1]);
        String msg = assertThrows(FoveaException.class, () -> DataSources.resolve(f.toString())).getMessage();
        assertTrue(msg.startsWith(f + ": not a directory"), msg);
    }

    @Test
    void officialFashionLabelsAreRecognisedAndOthersAreNot() throws IOException {
        // The labels alone identify Fashion-MNIST; subsets and other datasets keep digit names.
        IdxArray notOfficial = new IdxReader().read("x", new java.io.ByteArrayInputStream(labels(9, 0, 0)));
        assertEquals(false, FashionMnist.isOfficialLabels(notOfficial));
        Path official = FashionMnist.DEBIAN_DIR.resolve("t10k-labels-idx1-ubyte.gz");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(official), "Fashion-MNIST not installed");
        assertTrue(FashionMnist.isOfficialLabels(new IdxReader().read(official)));
    }

    @Test
    void fashionMnistIsTheDefaultDirectory() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(FashionMnist.DEBIAN_DIR), "Fashion-MNIST not installed");
        DataSource src = DataSources.resolve("fashion-mnist");
        assertEquals("Fashion-MNIST in " + FashionMnist.DEBIAN_DIR, src.description());
    }

    @Test
    void theFullSetGivenAsAFolderIsRecognisedByItsLabels() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(FashionMnist.DEBIAN_DIR), "Fashion-MNIST not installed");
        TrainTest tt = DataSources.idxDirectory(FashionMnist.DEBIAN_DIR).load();
        assertEquals(60000, tt.train().size());
        assertEquals(10000, tt.test().size());
        assertEquals(FashionMnist.CLASS_NAMES, tt.test().classNames());
        assertEquals(dev.fovea.tensor.Shape.of(10000, 28, 28, 1), tt.test().images().shape());
    }

    @Test
    void aFolderWithNoKnownLayoutSaysWhatWouldBe() throws IOException {
        Files.writeString(tmp.resolve("notes.txt"), "x");
        String msg = assertThrows(FoveaException.class, () -> DataSources.resolve(tmp.toString())).getMessage();
        assertEquals(tmp + ": not a data folder: it holds no IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte,"
                + " t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte), no CIFAR-10 batches (data_batch_1.bin .. test_batch.bin)"
                + " and no class sub-folders of images", msg);
    }

    @Test
    void idxFilesWinOverSubFolders() throws IOException {
        folder(1);
        Files.createDirectory(tmp.resolve("raw"));
        assertTrue(DataSources.resolve(tmp.toString()).description().startsWith("IDX files in "));
        Files.delete(tmp.resolve("train-labels-idx1-ubyte"));
        String msg = assertThrows(FoveaException.class, () -> DataSources.resolve(tmp.toString())).getMessage();
        assertTrue(msg.startsWith(tmp + ": missing train-labels-idx1-ubyte[.gz]"), msg);
    }

    @Test
    void idxFoldersStreamTheirBytesAsTheSameFloats() throws IOException {
        DataSource src = DataSources.idxDirectory(folder(3, 4));
        TrainTest tt = src.load();
        try (Streams s = DataSources.open(src, DataOptions.defaults().workers(1))) {
            assertEquals(IdxSource.DIGITS, s.classNames());
            dev.fovea.train.InMemoryData train = s.train().materialize();
            org.junit.jupiter.api.Assertions.assertArrayEquals(tt.train().images().data(), train.images().data());
            org.junit.jupiter.api.Assertions.assertArrayEquals(tt.train().labels(), train.labels());
            org.junit.jupiter.api.Assertions.assertArrayEquals(tt.test().images().data(), s.testInMemory().images().data());
        }
    }
}

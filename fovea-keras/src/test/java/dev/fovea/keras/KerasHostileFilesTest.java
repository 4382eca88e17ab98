package dev.fovea.keras;

import dev.fovea.FoveaException;
import dev.fovea.keras.imp.H5;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad, hostile or unsupported files fail with one line naming the file and what is wrong, never with a crash. */
class KerasHostileFilesTest {
    @TempDir Path tmp;

    private static String fails(Executable e, String... expected) {
        FoveaException x = assertThrows(FoveaException.class, e);
        String m = x.getMessage();
        assertFalse(m.contains("\n"), "one line: " + m);
        for (String s : expected) assertTrue(m.contains(s), "\"" + s + "\" in: " + m);
        return m;
    }

    @Test void aTruncatedHdf5FileIsOneLine() throws IOException {
        byte[] whole = Files.readAllBytes(KerasImportTest.resource("keras2/weights_simpleconv2d/model.h5"));
        for (int cut : new int[] {16, 600, whole.length / 2, whole.length - 100}) {
            Path f = tmp.resolve("cut" + cut + ".h5");
            Files.write(f, Arrays.copyOf(whole, cut));
            fails(() -> Keras.load(f), f.toString());
        }
    }

    @Test void garbageAfterTheHdf5MagicIsOneLine() throws IOException {
        byte[] b = new byte[4096];
        new java.util.SplittableRandom(1).nextBytes(b);
        System.arraycopy(new byte[] {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'}, 0, b, 0, 8);
        Path f = tmp.resolve("noise.h5");
        Files.write(f, b);
        fails(() -> Keras.load(f), "noise.h5");
    }

    /**
     * Random byte changes (mostly in the first 4 KB, where HDF5 keeps its superblock, object headers
     * and heaps, and anywhere in a zip) either still load or fail with a FoveaException: never
     * another exception, never more than one line.
     */
    @Test void mutatedFilesLoadOrFailWithOneLine() throws IOException {
        for (String model : new String[] {"keras2/examples_gans_wgan_discriminator/model.h5", "keras3/sequential_cnn/model.keras",
                "keras2-generated/nested_block/model.h5"}) {
            byte[] original = Files.readAllBytes(KerasImportTest.resource(model));
            java.util.SplittableRandom r = new java.util.SplittableRandom(model.hashCode());
            Path f = tmp.resolve("mutated" + model.substring(model.lastIndexOf('.')));
            for (int i = 0; i < 60; i++) {
                byte[] b = original.clone();
                for (int k = 1 + r.nextInt(8); k > 0; k--) b[r.nextInt(r.nextBoolean() ? Math.min(4096, b.length) : b.length)] = (byte) r.nextInt(256);
                Files.write(f, b);
                try {
                    Keras.load(f);
                } catch (FoveaException e) {
                    assertFalse(e.getMessage().contains("\n"), e.getMessage());
                }
            }
        }
    }

    @Test void neitherHdf5NorZipIsRefused() throws IOException {
        Path f = tmp.resolve("model.h5");
        Files.writeString(f, "not a model");
        fails(() -> Keras.load(f), "model.h5", "neither an HDF5 file");
    }

    @Test void keras1FilesAreRefused() {
        Path f = tmp.resolve("old.h5");
        try (WritableHdfFile w = HdfFile.write(f)) {
            w.putAttribute("keras_version", "1.2.2");
            w.putAttribute("model_config", "{\"class_name\": \"Sequential\", \"config\": []}");
        }
        fails(() -> Keras.load(f), "old.h5", "Keras 1.2.2");
    }

    @Test void keras1ConfigsAreRefusedWithoutAVersion() {
        Path f = tmp.resolve("old-config.h5");
        try (WritableHdfFile w = HdfFile.write(f)) {
            w.putAttribute("model_config", "{\"class_name\": \"Sequential\", \"config\": [{\"class_name\": \"Convolution2D\", "
                    + "\"config\": {\"name\": \"conv1\", \"nb_filter\": 8, \"nb_row\": 3, \"nb_col\": 3, \"border_mode\": \"same\", "
                    + "\"batch_input_shape\": [null, 1, 28, 28]}}]}");
        }
        fails(() -> Keras.load(f), "old-config.h5", "layer \"conv1\"", "Keras 1 config");
    }

    @Test void aWeightsOnlyFileSaysSo() {
        Path f = tmp.resolve("weights.h5");
        try (WritableHdfFile w = HdfFile.write(f)) {
            w.putAttribute("layer_names", new String[] {"dense_1"});
        }
        fails(() -> Keras.load(f), "weights.h5", "no model_config", "save_weights");
    }

    @Test void aDatasetBeyondTheWeightBudgetIsRefusedBeforeReading() {
        Path f = tmp.resolve("big.h5");
        try (WritableHdfFile w = HdfFile.write(f)) {
            w.putGroup("g").putDataset("w", new float[1000]);
        }
        try (H5 h5 = H5.open(f, f.toString(), 400)) {
            fails(() -> h5.floats("g/w", "w"), "big.h5", "dataset g/w", "1000 values");
        }
        try (H5 h5 = H5.open(f, f.toString(), 4000)) {
            assertTrue(h5.floats("g/w", "w").data().length == 1000);
        }
    }

    @Test void aNonFloatDatasetIsRefused() {
        Path f = tmp.resolve("ints.h5");
        try (WritableHdfFile w = HdfFile.write(f)) {
            w.putDataset("w", new int[] {1, 2, 3});
        }
        try (H5 h5 = H5.open(f, f.toString(), 1 << 20)) {
            fails(() -> h5.floats("w", "w"), "ints.h5", "dataset w", "not floating-point");
            fails(() -> h5.floats("missing", "x"), "ints.h5", "missing");
        }
    }

    /** The Functional fixture's config, edited: a copy of the unzipped model folder. */
    private Path editedFunctional(String from, String to) throws IOException {
        Path src = KerasImportTest.resource("keras3/functional_residual/model");
        Path dst = tmp.resolve("edited");
        Files.createDirectories(dst);
        for (String n : new String[] {"metadata.json", "model.weights.h5"}) Files.copy(src.resolve(n), dst.resolve(n));
        String config = Files.readString(src.resolve("config.json"));
        assertTrue(config.contains(from));
        Files.writeString(dst.resolve("config.json"), config.replace(from, to));
        return dst;
    }

    @Test void lambdaLayersAreRefusedNotRun() throws IOException {
        Path d = editedFunctional("\"class_name\": \"LeakyReLU\"", "\"class_name\": \"Lambda\"");
        fails(() -> Keras.load(d), "edited", "layer \"leaky\" (Lambda)", "never runs code");
    }

    @Test void augmentationLayersAreDroppedAsTheIdentityOfInference() throws IOException {
        Path d = editedFunctional("\"class_name\": \"LeakyReLU\"", "\"class_name\": \"RandomContrast\"");
        var model = Keras.load(d).model();
        assertTrue(model.nodes().stream().noneMatch(n -> n.layer().name().startsWith("leaky")), "no node for the augmentation layer");
        assertTrue(model.nodes().stream().anyMatch(n -> n.layer().name().equals("conv_b")));
    }

    @Test void unknownLayersNameTheClassAndListTheAccepted() throws IOException {
        Path d = editedFunctional("\"module\": \"keras.layers\", \"class_name\": \"LeakyReLU\"",
                "\"module\": \"my_project.layers\", \"class_name\": \"FancyActivation\"");
        String m = fails(() -> Keras.load(d), "layer \"leaky\" (FancyActivation)", "custom layer from module my_project.layers",
                "accepted: ", "Conv2D", "DepthwiseConv2D");
        assertTrue(m.length() < 2000, m);
    }

    @Test void unsupportedActivationsListTheAccepted() throws IOException {
        Path d = editedFunctional("\"activation\": \"tanh\"", "\"activation\": \"gelu\"");
        fails(() -> Keras.load(d), "layer \"conv_b\" (Conv2D)", "activation \"gelu\"", "accepted: linear, relu");
    }

    @Test void aWeightOfTheWrongShapeIsNamed() throws IOException {
        Path d = editedFunctional("\"units\": 3", "\"units\": 4");
        fails(() -> Keras.load(d), "layer \"logits\" (Dense)", "kernel", "[175, 3]", "[175, 4]");
    }

    @Test void anArchiveWithoutConfigIsRefused() throws IOException {
        Path f = tmp.resolve("empty.keras");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(f))) {
            z.putNextEntry(new ZipEntry("metadata.json"));
            z.write("{\"keras_version\": \"3.6.0\"}".getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
        }
        fails(() -> Keras.load(f), "empty.keras", "no config.json");
    }

    @Test void freeInputAxesNeedAShape() {
        fails(() -> Keras.load(KerasImportTest.resource("keras2/examples_12net/model.h5")), "free axes", "(batch, None, None, 3)");
    }

    @Test void aGivenInputShapeMustFitTheModel() {
        fails(() -> Keras.load(KerasImportTest.resource("keras2/weights_simpleconv2d/model.h5"), new int[] {28, 28, 1}),
                "(batch, 1, 28, 28)", "does not fit");
    }
}

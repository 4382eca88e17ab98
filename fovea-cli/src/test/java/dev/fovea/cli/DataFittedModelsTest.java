package dev.fovea.cli;

import dev.fovea.json.Json;
import dev.fovea.json.JsonObject;
import dev.fovea.io.ModelFile;
import dev.fovea.nn.Normalization;
import dev.fovea.model.Presets;
import dev.fovea.tensor.Shape;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Presets and architecture files fitted to a folder of 3 classes of 32x32 RGB images (the input
 * layer takes the data's shape, the head its class count), and the trained model evaluated on the
 * folder again with no flags: evaluate reads the images and the held-out split as train did.
 */
class DataFittedModelsTest {
    @TempDir static Path dir;
    static Path shapes;

    @BeforeAll
    static void folder() {
        shapes = SyntheticShapes.write(dir.resolve("shapes"), 20, 7);
    }

    @Test
    void everyPresetTrainsOnThreeClassesOfRgbImagesAndEvaluatesWithoutFlags() {
        for (String preset : Presets.names()) {
            Path out = dir.resolve(preset + ".fovea");
            FoveaRun train = FoveaRun.of("train", "--model", preset, "--data", shapes.toString(), "--epochs", "1", "--batch-size", "16",
                    "-o", out.toString(), "--no-report", "--json", "--threads", "1");
            assertEquals(0, train.code(), preset + ": " + train.err());
            assertTrue(train.err().contains("fovea: fitted preset " + preset + " to the data: input (32, 32, 3)"), train.err());
            assertTrue(train.err().contains("for 3 classes (the architecture has 10)"), train.err());
            var saved = ModelFile.load(out);
            assertEquals(Shape.of(32, 32, 3), saved.model().inputShape(), preset);
            assertEquals(Shape.of(3), saved.model().outputShape(), preset);
            assertEquals(SyntheticShapes.CLASSES, saved.model().classNames(), preset);

            FoveaRun eval = FoveaRun.of("evaluate", "--model", out.toString(), "--data", shapes.toString(), "--json", "--no-report");
            assertEquals(0, eval.code(), preset + ": " + eval.err());
            JsonObject e = Json.parseObject(eval.out(), "evaluate");
            JsonObject t = Json.parseObject(train.out(), "train");
            assertEquals(12, e.requireLong("examples"), "the 20% split train held out, 4 of each class's 20");
            // The same model on the same held-out images: train's test accuracy exactly.
            assertEquals(t.requireDouble("test_accuracy"), e.requireDouble("test_accuracy"), 1e-9, preset);
        }
    }

    @Test
    void classesAndInputShapeFlagsOverrideTheData() throws Exception {
        Path out = dir.resolve("five.fovea");
        FoveaRun r = FoveaRun.of("train", "--model", "tiny", "--data", shapes.toString(), "--classes", "5", "--input-shape", "32,32,3",
                "--epochs", "1", "-o", out.toString(), "--no-report");
        assertEquals(0, r.code(), r.err());
        var m = ModelFile.load(out).model();
        assertEquals(Shape.of(5), m.outputShape());
        assertEquals(List.of("circle", "square", "triangle", "class_3", "class_4"), m.classNames());
        FoveaRun few = FoveaRun.of("train", "--model", "tiny", "--data", shapes.toString(), "--classes", "2", "--no-report");
        assertEquals(1, few.code());
        assertTrue(few.err().strip().endsWith("\nfovea: error: --classes 2 is fewer than the 3 classes of the data"), few.err());
    }

    @Test
    void anArchitectureFileIsFittedToo() throws Exception {
        Path arch = dir.resolve("arch.json");
        Files.writeString(arch, """
                {"format": "fovea.model", "format_version": 1,
                 "architecture": {"class_name": "Sequential", "input_shape": [28, 28, 1], "layers": [
                   {"class_name": "Conv2D", "config": {"filters": 4, "kernel_size": 3, "activation": "relu"}},
                   {"class_name": "Flatten"},
                   {"class_name": "Dense", "name": "head", "config": {"units": 10}},
                   {"class_name": "Activation", "config": {"activation": "softmax"}}]}}
                """);
        Path out = dir.resolve("arch.fovea");
        FoveaRun r = FoveaRun.of("train", "--model", arch.toString(), "--data", shapes.toString(), "--epochs", "1", "-o", out.toString(), "--no-report");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("input (32, 32, 3) (the architecture says (28, 28, 1)); classifier head head with 3 units"), r.err());
        var m = ModelFile.load(out).model();
        assertEquals(Shape.of(3), m.outputShape());
        assertEquals("head", m.layers().get(2).name());
    }

    @Test
    void preprocessingOfTrainIsReusedByEvaluateAndPredict() throws Exception {
        // Grayscale 28x28 from RGB 32x32 files, normalised: evaluate and predict need no flags.
        Path out = dir.resolve("gray.fovea");
        FoveaRun train = FoveaRun.of("train", "--model", "tiny", "--data", shapes.toString(), "--image-size", "28,28", "--color-mode", "grayscale",
                "--normalize", "0.2,0.3", "--epochs", "2", "-o", out.toString(), "--no-report", "--json");
        assertEquals(0, train.code(), train.err());
        var m = ModelFile.load(out).model();
        assertEquals(Shape.of(28, 28, 1), m.inputShape());
        Normalization n = assertInstanceOf(Normalization.class, m.layers().get(0));
        assertArrayEquals(new float[] {0.2f}, n.mean());
        assertArrayEquals(new float[] {0.09f}, n.variance(), 1e-7f);
        try (var zip = new java.util.zip.ZipFile(out.toFile())) {
            JsonObject pre = Json.parseObject(new String(zip.getInputStream(zip.getEntry("model.json")).readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8), "model.json").requireObject("preprocessing");
            assertEquals("grayscale", pre.requireString("color_mode"));
            var norm = pre.requireObject("normalization").map();
            assertEquals(List.of(0.2), norm.get("mean"));
            assertEquals(List.of(0.3), norm.get("std"));
            assertEquals("normalization", norm.get("layer"));
        }
        FoveaRun eval = FoveaRun.of("evaluate", "--model", out.toString(), "--data", shapes.toString(), "--json", "--no-report");
        assertEquals(0, eval.code(), eval.err());
        assertEquals(Json.parseObject(train.out(), "train").requireDouble("test_accuracy"),
                Json.parseObject(eval.out(), "evaluate").requireDouble("test_accuracy"), 1e-9);
        FoveaRun predict = FoveaRun.of("predict", "--model", out.toString(), shapes.resolve("circle/0.png").toString());
        assertEquals(0, predict.code(), predict.err());
        assertTrue(predict.out().contains("28x28") || predict.out().contains("28 x 28"), predict.out());

        FoveaRun imagenet = FoveaRun.of("train", "--model", "tiny", "--data", shapes.toString(), "--color-mode", "grayscale", "--normalize", "imagenet", "--no-report");
        assertEquals(1, imagenet.code());
        assertTrue(imagenet.err().contains("\nfovea: error: --normalize imagenet is for RGB images, but the data has 1 channel(s)"), imagenet.err());
    }

    @Test
    void fineTunesATrainedModelOntoTheFolderWithItsBaseFrozen() {
        Path base = dir.resolve("base.fovea");
        FoveaRun pre = FoveaRun.of("train", "--model", "tiny", "--epochs", "1", "-o", base.toString(), "--no-report");
        assertEquals(0, pre.code(), pre.err());
        Path tuned = dir.resolve("tuned.fovea");
        FoveaRun r = FoveaRun.of("train", "--model", base.toString(), "--data", shapes.toString(), "--freeze", "base", "--epochs", "2",
                "-o", tuned.toString(), "--no-report", "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("fovea: replaced the classifier head dense (10 classes) with a new one for 3 classes"), r.err());
        assertTrue(r.err().contains("fovea: frozen: conv2d\n"), r.err());
        assertTrue(r.err().contains("Adam lr 1.0E-4 (CosineDecay)"), "the fine-tuning recipe: " + r.err());
        var before = ModelFile.load(base).model();
        var after = ModelFile.load(tuned).model();
        assertEquals(Shape.of(28, 28, 1), after.inputShape(), "the folder is read as the trained model takes its input");
        assertEquals(SyntheticShapes.CLASSES, after.classNames());
        for (var p : after.parameters()) {
            var old = before.parameters().stream().filter(q -> q.name().equals(p.name())).findFirst().orElseThrow();
            if (p.name().startsWith("dense/")) {
                assertEquals(3, p.value().dim(-1), p.name());
            } else {
                assertArrayEquals(old.value().data(), p.value().data(), 0f, p.name() + " is frozen");
            }
        }
        FoveaRun eval = FoveaRun.of("evaluate", "--model", tuned.toString(), "--data", shapes.toString(), "--json", "--no-report");
        assertEquals(0, eval.code(), eval.err());
        assertEquals(Json.parseObject(r.out(), "train").requireDouble("test_accuracy"),
                Json.parseObject(eval.out(), "evaluate").requireDouble("test_accuracy"), 1e-9);
        FoveaRun bad = FoveaRun.of("train", "--model", base.toString(), "--data", shapes.toString(), "--freeze", "nope", "--no-report");
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("fovea: error: --freeze nope: not base, a layer count or a layer of model sequential"), bad.err());
    }
}

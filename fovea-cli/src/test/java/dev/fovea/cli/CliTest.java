package dev.fovea.cli;

import dev.fovea.data.DataSources;
import dev.fovea.json.Json;
import dev.fovea.io.ModelFile;
import dev.fovea.model.Presets;
import dev.fovea.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fovea command, run in-process: results, JSON output, exit codes and one-line errors. */
class CliTest {
    @TempDir static Path dir;
    static Path trained;
    static Path pullover;

    static FoveaRun fovea(String... args) {
        return FoveaRun.of(args);
    }

    @BeforeAll
    static void trainTinyModel() throws Exception {
        trained = dir.resolve("tiny.fovea");
        FoveaRun r = fovea("train", "--model", "tiny", "--epochs", "1", "--output", trained.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject j = Json.parseObject(r.out(), "train --json");
        assertTrue(j.requireDouble("test_accuracy") > 0.6, r.out());
        assertTrue(Files.isRegularFile(trained));
        pullover = dir.resolve("pullover.png");
        try (var in = CliTest.class.getResourceAsStream("/dev/fovea/data/fashion-mnist-t10k-1-pullover.png")) {
            if (in != null) Files.copy(in, pullover);
        }
        if (!Files.exists(pullover)) {
            Files.copy(Path.of("../fovea-data/src/test/resources/dev/fovea/data/fashion-mnist-t10k-1-pullover.png"), pullover);
        }
    }

    @Test
    void summaryCountsEqualKeras() {
        FoveaRun r = fovea("summary", "--model", "notes", "--input-shape", "28,28,1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Total params: 1,668,490"), r.out());
        FoveaRun colour = fovea("summary", "--model", "notes", "--input-shape", "32,32,3", "--json");
        assertEquals(2_389_962L, Json.parseObject(colour.out(), "summary").requireLong("total_params"));
        FoveaRun dropout = fovea("summary", "--model", "notes-dropout", "--json");
        assertEquals(1_668_490L, Json.parseObject(dropout.out(), "summary").requireLong("total_params"));
    }

    @Test
    void predictPrintsProbabilitiesThatSumToOne() {
        FoveaRun r = fovea("predict", "--model", trained.toString(), "--top-k", "3", "--json", pullover.toString());
        assertEquals(0, r.code(), r.err());
        JsonObject j = Json.parseObject(r.out(), "predict --json");
        JsonObject first = j.requireArray("predictions").object(0);
        assertEquals(3, first.requireArray("top_k").size());
        double sum = 0;
        for (int i = 0; i < first.requireArray("probabilities").size(); i++) sum += first.requireArray("probabilities").doubleAt(i);
        assertEquals(1.0, sum, 1e-5);
        assertEquals("Pullover", first.requireArray("top_k").object(0).requireString("label"));
        FoveaRun text = fovea("predict", "--model", trained.toString(), pullover.toString());
        assertTrue(text.out().contains("28x28 grayscale"), text.out());
    }

    /**
     * The tiny model with its last softmax removed (same weights) ends in logits: predict and
     * evaluate must give the softmax model's probabilities and accuracy, and say that they applied
     * the softmax.
     */
    @Test
    void aModelEndingInLogitsIsShownAsProbabilitiesAndSaysSo() throws Exception {
        dev.fovea.model.Model softmaxModel = ModelFile.load(trained).model();
        dev.fovea.model.Model logits = dev.fovea.model.Sequential.of(new dev.fovea.nn.Conv2D(8, 3, "relu"),
                new dev.fovea.nn.MaxPool2D(2, 2), new dev.fovea.nn.Flatten(), new dev.fovea.nn.Dense(10))
                .classNames(softmaxModel.classNames()).build(softmaxModel.inputShape());
        for (int i = 0; i < logits.parameters().size(); i++) {
            float[] from = softmaxModel.parameters().get(i).value().data();
            System.arraycopy(from, 0, logits.parameters().get(i).value().data(), 0, from.length);
        }
        Path file = dir.resolve("tiny-logits.fovea");
        ModelFile.save(file, logits, java.util.Map.of());

        JsonObject a = Json.parseObject(fovea("predict", "--model", trained.toString(), "--json", pullover.toString()).out(), "softmax");
        FoveaRun r = fovea("predict", "--model", file.toString(), "--json", pullover.toString());
        assertEquals(0, r.code(), r.err());
        JsonObject b = Json.parseObject(r.out(), "logits");
        assertFalse(a.requireBoolean("softmax_applied"));
        assertTrue(b.requireBoolean("softmax_applied"));
        assertTrue(b.requireString("output").startsWith("logits (output layer dense"), b.requireString("output"));
        var pa = a.requireArray("predictions").object(0).requireArray("probabilities");
        var pb = b.requireArray("predictions").object(0).requireArray("probabilities");
        for (int i = 0; i < 10; i++) assertEquals(pa.doubleAt(i), pb.doubleAt(i), 1e-5, "class " + i);
        FoveaRun text = fovea("predict", "--model", file.toString(), pullover.toString());
        assertTrue(text.out().contains("softmax applied to give probabilities"), text.out());

        FoveaRun ea = fovea("evaluate", "--model", trained.toString(), "--json", "--no-report");
        FoveaRun eb = fovea("evaluate", "--model", file.toString(), "--json", "--no-report");
        assertEquals(0, eb.code(), eb.err());
        assertEquals(Json.parseObject(ea.out(), "ea").requireDouble("test_accuracy"), Json.parseObject(eb.out(), "eb").requireDouble("test_accuracy"));
        assertEquals(Json.parseObject(ea.out(), "ea").requireDouble("test_loss"), Json.parseObject(eb.out(), "eb").requireDouble("test_loss"), 1e-4);
    }

    @Test
    void evaluateReportsTestAccuracy() {
        FoveaRun r = fovea("evaluate", "--model", trained.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(Json.parseObject(r.out(), "evaluate").requireDouble("test_accuracy") > 0.6, r.out());
    }

    @Test
    void badInputGivesOneLineErrorsAndNonZeroExit() throws Exception {
        Path notImage = dir.resolve("notes.txt");
        Files.writeString(notImage, "hello");
        Path junkModel = dir.resolve("junk.fovea");
        Files.writeString(junkModel, "not a model");
        Path idx = dir.resolve("idx");
        Files.createDirectories(idx);
        for (String name : List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")) {
            try (var out = new GZIPOutputStream(Files.newOutputStream(idx.resolve(name + ".gz")))) {
                out.write(new byte[] {0, 0, 8, 3, 0, 0, 0, 5});   // claims 3 dimensions, then ends
            }
        }
        List<String[]> cases = List.of(
                new String[] {"predict", "--model", trained.toString(), notImage.toString()},
                new String[] {"predict", "--model", junkModel.toString(), pullover.toString()},
                new String[] {"predict", "--model", "notes", pullover.toString()},
                new String[] {"summary", "--model", trained.toString(), "--input-shape", "32,32,3"},
                new String[] {"summary", "--model", "resnet9000"},
                new String[] {"summary", "--input-shape", "28,x,1"},
                new String[] {"train", "--data", idx.toString(), "--model", "tiny"},
                new String[] {"train", "--model", "tiny", "--augment", "flip,shear=0.2"},
                new String[] {"train", "--model", "tiny", "--augment", "translate=2"},
                new String[] {"evaluate", "--model", trained.toString(), "--data", dir.resolve("nowhere").toString()});
        for (String[] args : cases) {
            FoveaRun r = fovea(args);
            String what = String.join(" ", args) + " -> " + r.err();
            assertEquals(1, r.code(), what);
            // Progress notes may precede it; the error itself is exactly one line, the last.
            String[] lines = r.err().strip().split("\n");
            assertEquals(1, java.util.Arrays.stream(lines).filter(l -> l.startsWith("fovea: error: ")).count(), what);
            assertTrue(lines[lines.length - 1].startsWith("fovea: error: "), what);
            assertFalse(r.err().contains("\tat "), what);
        }
        assertTrue(Files.isRegularFile(trained), "the trained model is untouched");
    }

    @Test
    void checkpointThenResume() {
        Path ckpt = dir.resolve("run.ckpt.fovea");
        FoveaRun first = fovea("train", "--model", "tiny", "--epochs", "1", "--checkpoint", ckpt.toString(), "-o", dir.resolve("a.fovea").toString(), "--json");
        assertEquals(0, first.code(), first.err());
        FoveaRun resumed = fovea("train", "--resume", ckpt.toString(), "--epochs", "2", "-o", dir.resolve("b.fovea").toString(), "--json");
        assertEquals(0, resumed.code(), resumed.err());
        JsonObject j = Json.parseObject(resumed.out(), "resumed");
        assertEquals(2, j.requireInt("epochs"), "the history holds the checkpointed epoch and the new one");
        assertTrue(resumed.err().contains("checkpoint"), resumed.err());
        FoveaRun plain = fovea("train", "--resume", trained.toString(), "--epochs", "2");
        assertEquals(1, plain.code());
        assertTrue(plain.err().contains("not a checkpoint"), plain.err());
        assertTrue(plain.err().contains("read a model file with --model"), "library API names become flags: " + plain.err());
    }

    @Test
    void trainsOnAFolderOfImagesWithAnArchitectureFile() throws Exception {
        Path folder = dir.resolve("shapes");
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (String cls : List.of("dark", "light")) {
            Files.createDirectories(folder.resolve(cls));
            for (int i = 0; i < 12; i++) {
                var img = new java.awt.image.BufferedImage(10, 10, java.awt.image.BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < 10; y++) for (int x = 0; x < 10; x++) {
                    int v = (cls.equals("dark") ? 30 : 200) + r.nextInt(40);
                    img.setRGB(x, y, (v << 16) | (v << 8) | v);
                }
                javax.imageio.ImageIO.write(img, "png", folder.resolve(cls).resolve(i + ".png").toFile());
            }
        }
        Files.writeString(folder.resolve("light").resolve("notes.txt"), "not an image");
        Path arch = dir.resolve("arch.json");
        Files.writeString(arch, """
                {"format": "fovea.model", "format_version": 1,
                 "architecture": {"class_name": "Sequential", "layers": [
                   {"class_name": "Conv2D", "config": {"filters": 4, "kernel_size": 3, "activation": "relu"}},
                   {"class_name": "Flatten"},
                   {"class_name": "Dense", "config": {"units": 2, "activation": "softmax"}}]}}
                """);
        FoveaRun run = fovea("train", "--model", arch.toString(), "--data", folder.toString(), "--image-size", "8,8", "--color-mode", "rgb",
                "--validation-split", "0.25", "--epochs", "10", "--batch-size", "4", "--lr", "0.01", "-o", dir.resolve("shapes.fovea").toString(), "--no-report", "--json");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.err().contains("fovea: warning:") && run.err().contains("notes.txt"), run.err());
        assertTrue(Json.parseObject(run.out(), "train").requireDouble("test_accuracy") >= 0.8, run.out());   // dark vs light: trivially separable
        FoveaRun strict = fovea("train", "--model", arch.toString(), "--data", folder.toString(), "--image-size", "8,8", "--strict", "--no-report");
        assertEquals(1, strict.code());
        assertTrue(strict.err().contains("notes.txt"), strict.err());
        assertTrue(strict.err().contains("(refused under --strict;"), "library API names become flags: " + strict.err());
    }

    @Test
    void everyCommandHasHelp() {
        for (String c : List.of("train", "evaluate", "predict", "summary")) {
            FoveaRun r = fovea(c, "--help");
            assertEquals(0, r.code());
            assertTrue(r.out().contains("Usage: fovea " + c), r.out());
        }
        String trainHelp = fovea("train", "--help").out().replaceAll("\\s+", " ");
        for (String preset : Presets.names()) assertTrue(trainHelp.contains(preset), "train --help names preset " + preset);
    }

    @Test
    void trainingRecordsTheFingerprintOfTheStreamedData() throws Exception {
        // The SHA-256 of the labels then the float pixels of the training set, as in-memory loading defines it.
        var tt = DataSources.embedded().load();
        var md = java.security.MessageDigest.getInstance("SHA-256");
        var buf = java.nio.ByteBuffer.allocate(4 * (tt.train().size() + tt.train().images().size())).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int y : tt.train().labels()) buf.putInt(y);
        for (float v : tt.train().images().data()) buf.putFloat(v);
        String expected = java.util.HexFormat.of().formatHex(md.digest(buf.array()));
        @SuppressWarnings("unchecked")
        var data = (java.util.Map<String, Object>) ModelFile.load(trained).provenance().get("data");
        assertEquals(expected, data.get("train_sha256"),
                "model.json records the training data's SHA-256");
    }

    @Test
    void augmentPutsAugmentationLayersInFrontOfAPreset() throws Exception {
        Path out = dir.resolve("tiny-augmented.fovea");
        FoveaRun r = fovea("train", "--model", "tiny", "--epochs", "1", "--augment", "flip,translate=0.1,rotate=0.05,zoom=0.1,erase",
                "--output", out.toString(), "--no-report");
        assertEquals(0, r.code(), r.err());
        var layers = ModelFile.load(out).model().layers();
        assertEquals(List.of("RandomFlip", "RandomTranslation", "RandomRotation", "RandomZoom", "RandomErasing", "Conv2D"),
                layers.subList(0, 6).stream().map(l -> l.className()).toList());
    }
}

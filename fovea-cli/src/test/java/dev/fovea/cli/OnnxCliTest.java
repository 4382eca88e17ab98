package dev.fovea.cli;

import dev.fovea.json.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import static dev.fovea.cli.CliTest.fovea;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** fovea onnx check/export/import, and .onnx files accepted by predict, summary and evaluate. */
class OnnxCliTest {
    static final Path CONFORMANCE = Path.of("../fovea-onnx/src/test/resources/conformance/onnx");
    @TempDir static Path dir;
    static Path trained, onnx;

    @BeforeAll
    static void trainAndExport() {
        trained = dir.resolve("tiny.fovea");
        FoveaRun r = fovea("train", "--model", "tiny", "--epochs", "1", "--output", trained.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        onnx = dir.resolve("tiny.onnx");
        FoveaRun e = fovea("onnx", "export", trained.toString(), onnx.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("exported") && Files.isRegularFile(onnx), e.out());
    }

    @Test
    void checkPrintsOneLinePerTestAndExitsZero() {
        FoveaRun r = fovea("onnx", "check", CONFORMANCE.resolve("node/test_add").toString(),
                CONFORMANCE.resolve("pytorch-converted").toString());
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("PASS test_add ") && r.out().contains("PASS test_Conv2d_groups "), r.out());
        assertTrue(r.out().contains("max abs") && r.out().contains("max rel"), r.out());
        assertTrue(r.out().strip().endsWith("31 passed, 0 failed"), r.out());
    }

    @Test
    void aWrongExpectedOutputFailsWithExitOne() throws Exception {
        Path test = dir.resolve("test_relu_broken");
        copy(CONFORMANCE.resolve("node/test_relu"), test);
        // The input as the expected output: Relu changes the negative values, so this must fail.
        Files.copy(test.resolve("test_data_set_0/input_0.pb"), test.resolve("test_data_set_0/output_0.pb"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        FoveaRun r = fovea("onnx", "check", test.toString(), CONFORMANCE.resolve("node/test_relu").toString(), "--json");
        assertEquals(1, r.code(), r.out());
        var j = Json.parseObject(r.out(), "check --json");
        assertEquals(1L, j.requireLong("passed"));
        assertEquals(1L, j.requireLong("failed"));
    }

    @Test
    void onnxFilesWorkWherever_foveaFilesDo() throws Exception {
        FoveaRun s = fovea("summary", "--model", onnx.toString(), "--json");
        assertEquals(0, s.code(), s.err());
        assertEquals(Json.parseObject(fovea("summary", "--model", trained.toString(), "--json").out(), "s").requireLong("total_params"),
                Json.parseObject(s.out(), "summary").requireLong("total_params"));
        Path png = dir.resolve("pullover.png");
        Files.copy(Path.of("../fovea-data/src/test/resources/dev/fovea/data/fashion-mnist-t10k-1-pullover.png"), png);
        var a = Json.parseObject(fovea("predict", "--model", trained.toString(), png.toString(), "--json").out(), "fovea");
        FoveaRun p = fovea("predict", "--model", onnx.toString(), png.toString(), "--json");
        assertEquals(0, p.code(), p.err());
        var b = Json.parseObject(p.out(), "onnx");
        assertEquals(a.requireArray("predictions").object(0).requireArray("top_k").object(0).requireString("label"),
                b.requireArray("predictions").object(0).requireArray("top_k").object(0).requireString("label"));
        FoveaRun ev = fovea("evaluate", "--model", onnx.toString(), "--json");
        assertEquals(0, ev.code(), ev.err());
        assertEquals(Json.parseObject(fovea("evaluate", "--model", trained.toString(), "--json").out(), "e").requireDouble("test_accuracy"),
                Json.parseObject(ev.out(), "ev").requireDouble("test_accuracy"), 1e-9);
        Path back = dir.resolve("back.fovea");
        FoveaRun i = fovea("onnx", "import", onnx.toString(), back.toString());
        assertEquals(0, i.code(), i.err());
        assertEquals(0, fovea("predict", "--model", back.toString(), png.toString()).code());
    }

    @Test
    void badOnnxFilesAreOneLineErrors() throws Exception {
        Path junk = dir.resolve("junk.onnx");
        Files.write(junk, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, (byte) 0xff});
        FoveaRun r = fovea("summary", "--model", junk.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("fovea: error: " + junk + ": not an ONNX model") && r.err().strip().lines().count() == 1, r.err());
        FoveaRun missing = fovea("onnx", "check", dir.resolve("nothing-here").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("no such file or folder"), missing.err());
    }

    private static void copy(Path from, Path to) throws Exception {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.sorted(Comparator.naturalOrder()).toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
    }

    @Test
    void importRecordsNormalisationAndLabels() throws Exception {
        Path tiny = Path.of("../fovea-onnx/src/test/resources/conformance/torchvision/tiny_densenet/model.onnx");
        Path labels = dir.resolve("labels.txt");
        Files.writeString(labels, "zero\none\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\n\n");
        Path out = dir.resolve("densenet.fovea");
        FoveaRun r = fovea("onnx", "import", tiny.toString(), out.toString(), "--normalize", "imagenet", "--labels", labels.toString());
        assertEquals(0, r.code(), r.err());
        var s = Json.parseObject(fovea("summary", "--model", out.toString(), "--json").out(), "summary");
        assertEquals("Normalization", s.requireArray("layers").object(0).requireString("class_name"), "normalisation is the first layer");
        Path png = dir.resolve("pullover-rgb.png");
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(64, 64, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) for (int x = 0; x < 64; x++) img.setRGB(x, y, (x * 4) << 16 | (y * 4) << 8 | 128);
        javax.imageio.ImageIO.write(img, "png", png.toFile());
        FoveaRun p = fovea("predict", "--model", out.toString(), png.toString(), "--json");
        assertEquals(0, p.code(), p.err());
        String label = Json.parseObject(p.out(), "predict").requireArray("predictions").object(0).requireArray("top_k").object(0).requireString("label");
        assertTrue(java.util.List.of("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine").contains(label), label);

        Files.writeString(labels, "a\nb\n");
        FoveaRun bad = fovea("onnx", "import", tiny.toString(), dir.resolve("bad.fovea").toString(), "--labels", labels.toString());
        assertTrue(bad.code() != 0 && bad.err().contains("2 class names") && bad.err().strip().lines().count() == 1, bad.err());
        FoveaRun badNorm = fovea("onnx", "import", tiny.toString(), dir.resolve("bad.fovea").toString(), "--normalize", "0.5,x");
        assertTrue(badNorm.code() != 0 && badNorm.err().contains("is not a number"), badNorm.err());
    }
}

package dev.fovea.cli;

import dev.fovea.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static dev.fovea.cli.CliTest.fovea;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** fovea keras check/import, and Keras files accepted wherever a model is. */
class KerasCliTest {
    static final Path CASES = Path.of("../fovea-keras/src/test/resources");
    /** A channels_first Keras 2 CNN: Keras input (1, 28, 28), 22 softmax outputs. */
    static final Path SIMPLECONV = CASES.resolve("keras2/weights_simpleconv2d/model.h5");
    @TempDir Path dir;

    @Test void checkPrintsOneLinePerCaseAndExitsZero() {
        FoveaRun r = fovea("keras", "check", CASES.resolve("keras2").toString(), CASES.resolve("keras3").toString());
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("PASS examples_12net ") && r.out().contains("PASS sequential_cnn "), r.out());
        assertTrue(r.out().contains("max abs") && r.out().contains("max rel"), r.out());
        assertTrue(r.out().strip().endsWith("39 passed, 0 failed"), r.out());
    }

    @Test void aWrongExpectedOutputFailsWithExitOne() throws Exception {
        Path broken = dir.resolve("broken");
        Files.createDirectories(broken);
        Path src = CASES.resolve("keras2/tfkeras_act_7");   // an Activation("relu") model
        try (Stream<Path> s = Files.list(src)) {
            for (Path f : s.toList()) Files.copy(f, broken.resolve(f.getFileName().toString()));
        }
        // The input as the expected output: ReLU changes the negative values, so this must fail.
        Files.copy(broken.resolve("input.npy"), broken.resolve("output.npy"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        FoveaRun r = fovea("keras", "check", broken.toString(), src.toString(), "--json");
        assertEquals(1, r.code(), r.out());
        var j = Json.parseObject(r.out(), "check --json");
        assertEquals(1L, j.requireLong("passed"));
        assertEquals(1L, j.requireLong("failed"));
    }

    @Test void checkWithoutCasesFails() {
        FoveaRun r = fovea("keras", "check", dir.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no Keras cases found"), r.err());
    }

    @Test void importWritesAFoveaModelThatPredicts() throws Exception {
        Path out = dir.resolve("simple.fovea");
        FoveaRun i = fovea("keras", "import", SIMPLECONV.toString(), out.toString());
        assertEquals(0, i.code(), i.err());
        assertTrue(i.out().contains("Keras 2.3.1") && i.out().contains("input (28, 28, 1)"), i.out());
        Path png = dir.resolve("pullover.png");
        Files.copy(Path.of("../fovea-data/src/test/resources/dev/fovea/data/fashion-mnist-t10k-1-pullover.png"), png);
        var fromFovea = Json.parseObject(fovea("predict", "--model", out.toString(), png.toString(), "--json").out(), "fovea");
        FoveaRun direct = fovea("predict", "--model", SIMPLECONV.toString(), png.toString(), "--json");
        assertEquals(0, direct.code(), direct.err());
        var fromKeras = Json.parseObject(direct.out(), "keras");
        assertEquals(fromFovea.requireArray("predictions").object(0).requireArray("top_k").object(0).requireDouble("probability"),
                fromKeras.requireArray("predictions").object(0).requireArray("top_k").object(0).requireDouble("probability"), 0);
    }

    @Test void kerasFilesWorkAsModelsForSummaryAndOnnxExport() {
        FoveaRun s = fovea("summary", "--model", CASES.resolve("keras3/sequential_cnn/model.keras").toString(), "--json");
        assertEquals(0, s.code(), s.err());
        var j = Json.parseObject(s.out(), "summary");
        // conv2d 3*3*3*4+4, batch norm 4*4, depthwise 3*3*8+8, conv2d_1 8*6+6, dense 6*5+5
        assertEquals(112 + 16 + 80 + 54 + 35, j.requireLong("total_params"));
        Path onnx = dir.resolve("simple.onnx");
        FoveaRun e = fovea("onnx", "export", SIMPLECONV.toString(), onnx.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(Files.isRegularFile(onnx));
    }

    @Test void serveLoadsKerasModelsThroughATemporaryFoveaFile() {
        Path imported = KerasCommand.importedForServing(SIMPLECONV);
        assertTrue(imported.toString().endsWith(".fovea"));
        var served = dev.fovea.serve.InferenceServer.load(java.util.Map.of("simple", imported));
        assertEquals(1, served.size());
        assertEquals("keras", dev.fovea.io.ModelFile.load(imported).provenance().get("source"));
        // The Keras file is accepted (imported); the second argument is what stops the server from starting.
        FoveaRun r = fovea("serve", SIMPLECONV.toString(), "notes.txt", "--port", "0");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("notes.txt: serve takes") && !r.err().contains("model.h5"), r.err());
    }

    @Test void freeInputAxesTakeTheInputShapeOption() {
        Path out = dir.resolve("net12.fovea");
        String model = CASES.resolve("keras2/examples_12net/model.h5").toString();
        FoveaRun bad = fovea("keras", "import", model, out.toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("free axes"), bad.err());
        FoveaRun ok = fovea("keras", "import", model, out.toString(), "--input-shape", "12,12,3");
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains("of its 2 outputs the first"), ok.out());
    }
}

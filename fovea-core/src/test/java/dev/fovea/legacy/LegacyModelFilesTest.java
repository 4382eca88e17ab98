package dev.fovea.legacy;

import dev.fovea.io.ModelFile;
import dev.fovea.io.Safetensors;
import dev.fovea.io.TensorFile;
import dev.fovea.nn.ForwardContext;
import dev.fovea.model.Model;
import dev.fovea.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Model files written before convolution and pooling became one family each (see the README next
 * to the fixtures) still load, and give the outputs they gave then, bit for bit.
 */
class LegacyModelFilesTest {
    @TempDir Path tmp;

    private static Path fixture(String name) {
        try {
            return Path.of(LegacyModelFilesTest.class.getResource("/dev/fovea/legacy/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertSameOutputs(Model model, String name) {
        TensorFile io = Safetensors.load(fixture(name + ".io.safetensors"));
        Tensor x = io.tensors().get("input"), expected = io.tensors().get("output");
        Tensor y = model.forward(x, ForwardContext.INFERENCE);
        assertEquals(expected.shape(), y.shape(), name);
        // Close, not bit-identical: inference picks kernels by shape (Winograd for 3x3 stride-1
        // layers of 64+ channels, GEMM for deep 1x1 layers), which round differently from the old
        // code's direct kernel. Loading, layout and weights are what this test guards.
        assertClose(expected, y, name + ": outputs differ from those the old code gave");
        assertClose(expected, model.infer(x), name + " (infer)");
    }

    private static void assertClose(Tensor expected, Tensor actual, String what) {
        float[] e = expected.data(), a = actual.data();
        assertEquals(e.length, a.length, what);
        double scale = 0;
        for (float v : e) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < e.length; i++) {
            if (!(Math.abs(e[i] - a[i]) <= 1e-5 * scale)) {
                throw new AssertionError(what + ": element " + i + " is " + a[i] + ", expected " + e[i] + " (scale " + scale + ")");
            }
        }
    }


    @ParameterizedTest
    @ValueSource(strings = {"graph", "preset-tiny"})
    void oldModelFilesLoadAndGiveTheSameOutputs(String name) {
        assertSameOutputs(ModelFile.load(fixture(name + ".fovea")).model(), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"notes", "notes-dropout", "notes-bn", "fovea-small"})
    void oldPresetArchitecturesLoadAndGiveTheSameOutputs(String preset) {
        String name = "preset-" + preset;
        assertSameOutputs(ModelFile.readArchitecture(fixture(name + ".model.json")), name);
    }

    /** Saved again by today's code, the old graph loads to the same outputs. */
    @Test
    void oldGraphSavedAgainStillGivesTheSameOutputs() {
        Model old = ModelFile.load(fixture("graph.fovea")).model();
        Path again = tmp.resolve("again.fovea");
        ModelFile.save(again, old, java.util.Map.of());
        assertSameOutputs(ModelFile.load(again).model(), "graph");
    }

    /** Integers written as 3.0 (as some JSON writers do) read as integers. */
    @Test
    void integralDoublesReadAsIntegers() throws Exception {
        String json = Files.readString(fixture("preset-notes-bn.model.json"));
        String doubled = json.replaceAll("(\"(filters|units)\": )(\\d+)", "$1$3.0")
                .replaceAll("\\[(\\d+), (\\d+)\\]", "[$1.0, $2.0]")
                .replace("\"input_shape\": [28, 28, 1]", "\"input_shape\": [28.0, 28.0, 1.0]");
        org.junit.jupiter.api.Assertions.assertTrue(doubled.contains("[28.0, 28.0, 1.0]") && doubled.contains("\"filters\": 32.0"), doubled);
        Path p = tmp.resolve("doubled.json");
        Files.writeString(p, doubled);
        assertSameOutputs(ModelFile.readArchitecture(p), "preset-notes-bn");
    }
}

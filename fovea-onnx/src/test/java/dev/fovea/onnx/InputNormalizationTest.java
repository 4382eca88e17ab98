package dev.fovea.onnx;

import dev.fovea.FoveaException;
import dev.fovea.nn.Normalization;
import dev.fovea.onnx.imp.ProtoFiles;
import dev.fovea.onnx.imp.TensorDecoder;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** OnnxOptions.withNormalization: the network's input normalisation becomes the model's first layer. */
class InputNormalizationTest {
    private static final Path CASE = TorchvisionCasesTest.root().resolve("tiny_densenet");

    private static OnnxTensor tensor(String file) {
        return new TensorDecoder(file, null).decode(ProtoFiles.readTensor(CASE.resolve("test_data_set_0").resolve(file)), file);
    }

    @Test
    void theImageBeforeNormalisationGivesPyTorchsOutput() {
        // The case's input is ImageNet-normalised; undo it to get the image in [0, 1] a user has.
        OnnxTensor normalised = tensor("input_0.pb");
        float[] x = normalised.floats().clone();
        float[] mean = OnnxOptions.InputNormalization.IMAGENET.mean(), std = OnnxOptions.InputNormalization.IMAGENET.std();
        int plane = x.length / 3;
        for (int i = 0; i < x.length; i++) x[i] = x[i] * std[i / plane] + mean[i / plane];
        OnnxModel m = Onnx.load(CASE.resolve("model.onnx"), OnnxOptions.defaults().withNormalization(OnnxOptions.InputNormalization.IMAGENET));
        assertInstanceOf(Normalization.class, m.model().nodes().get(0).layer(), "the first layer normalises");
        float[] actual = m.run(OnnxTensor.ofFloats(normalised.dims(), x)).values().iterator().next().floats();
        float[] expected = tensor("output_0.pb").floats();
        float scale = 0;
        for (float e : expected) scale = Math.max(scale, Math.abs(e));
        assertArrayEquals(expected, actual, 1e-4f * scale + 1e-6f);
        // Without the option the raw image gives something else: the layer is what makes it right.
        float[] plain = Onnx.load(CASE.resolve("model.onnx")).run(OnnxTensor.ofFloats(normalised.dims(), x)).values().iterator().next().floats();
        double diff = 0;
        for (int i = 0; i < plain.length; i++) diff = Math.max(diff, Math.abs(plain[i] - expected[i]));
        assertTrue(diff > 1e-2 * scale, "normalisation matters here: " + diff);
    }

    @Test
    void badStatisticsAndNonImageInputsAreOneLineErrors() {
        FoveaException e = assertThrows(FoveaException.class, () -> new OnnxOptions.InputNormalization(new float[] {0.5f}, new float[] {0f}));
        assertTrue(e.getMessage().contains("std") && !e.getMessage().contains("\n"), e.getMessage());
        var twoChannels = new OnnxOptions.InputNormalization(new float[] {0.1f, 0.2f}, new float[] {1f, 1f});
        e = assertThrows(FoveaException.class, () -> Onnx.load(CASE.resolve("model.onnx"), OnnxOptions.defaults().withNormalization(twoChannels)));
        assertTrue(e.getMessage().contains("3 channels"), e.getMessage());
        Path vector = ConformanceSuiteTest.root().resolve("node/test_relu/model.onnx");
        var options = OnnxOptions.defaults().withNormalization(new OnnxOptions.InputNormalization(new float[] {0f}, new float[] {1f}))
                .withBindings(Map.of());
        e = assertThrows(FoveaException.class, () -> Onnx.load(vector, options));
        assertTrue(e.getMessage().contains("image input"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }
}

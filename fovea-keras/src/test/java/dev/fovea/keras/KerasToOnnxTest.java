package dev.fovea.keras;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.fovea.keras.check.Npy;
import dev.fovea.onnx.Onnx;
import dev.fovea.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Keras CNN imported, exported to ONNX and run by ONNX Runtime (an engine independent of Fovea)
 * agrees with the case's expected output within the case tolerance.
 */
class KerasToOnnxTest {
    @TempDir Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"keras2/weights_simpleconv2d", "keras2/examples_gans_wgan_discriminator", "keras3/sequential_cnn", "keras3/functional_channels_first"})
    void onnxRuntimeAgreesWithTheKerasExpectedOutput(String name) throws OrtException {
        Path dir = KerasImportTest.resource(name);
        Path modelFile = dir.resolve(name.startsWith("keras3") ? "model.keras" : "model.h5");
        KerasModel m = Keras.load(modelFile);
        Path onnx = tmp.resolve("model.onnx");
        Onnx.export(m.model(), onnx);
        Tensor x = Npy.read(dir.resolve("input.npy"));
        // Fovea's ONNX export takes images NCHW: a channels_last Keras input (N, H, W, C) is transposed,
        // a channels_first one (N, C, H, W) is already in that order.
        Tensor nhwc = m.inputChannelsLast() ? KerasModel.channelsLast(x) : x;
        float[] nchw = toNchw(nhwc);
        int[] d = nhwc.shape().toArray();
        float[] actual;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(onnx.toString(), new OrtSession.SessionOptions());
             OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(nchw), new long[] {d[0], d[3], d[1], d[2]});
             OrtSession.Result r = s.run(Map.of(s.getInputNames().iterator().next(), t))) {
            FloatBuffer b = ((OnnxTensor) r.get(0)).getFloatBuffer();
            actual = new float[b.remaining()];
            b.get(actual);
        }
        float[] expected = Npy.read(dir.resolve("output.npy")).data();
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            double tol = 1e-5 + 1e-4 * Math.abs(expected[i]);
            assertTrue(Math.abs(actual[i] - expected[i]) <= tol, name + " element " + i + ": " + actual[i] + " vs " + expected[i]);
        }
    }

    private static float[] toNchw(Tensor nhwc) {
        int n = nhwc.dim(0), h = nhwc.dim(1), w = nhwc.dim(2), c = nhwc.dim(3);
        float[] src = nhwc.data(), dst = new float[src.length];
        for (int b = 0; b < n; b++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int ch = 0; ch < c; ch++) dst[((b * c + ch) * h + y) * w + x] = src[((b * h + y) * w + x) * c + ch];
                }
            }
        }
        return dst;
    }
}

package dev.fovea.onnx;

import dev.fovea.model.Model;
import dev.fovea.model.compile.InferenceCompiler;
import dev.fovea.nn.BatchNormalization;
import dev.fovea.nn.ForwardContext;
import dev.fovea.onnx.imp.OnnxImporter;
import dev.fovea.onnx.imp.ProtoFiles;
import dev.fovea.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Imported ONNX models compiled for inference ({@link InferenceCompiler}) compute what the
 * imported graph computes, to float rounding: torchvision's small cases (random weights and
 * non-trivial batch-norm statistics, so folding is exercised) and a light conformance model with
 * random weights.
 */
class CompiledImportTest {
    @ParameterizedTest
    @ValueSource(strings = {"tiny_densenet", "tiny_efficientnet", "tiny_regnet"})
    void torchvisionCasesCompileToTheSameFunction(String name) {
        OnnxModel m = Onnx.load(TorchvisionCasesTest.root().resolve(name).resolve("model.onnx"), OnnxOptions.defaults());
        var result = InferenceCompiler.compileWithReport(m.model());
        // PyTorch's exporter already folds a batch norm that follows a convolution into it, so these
        // cases hold only DenseNet's pre-activation ones (after a concatenation or a pooling), which
        // have nothing to fold into: they must stay, and the rest of the graph must still agree.
        assertEquals(countNorms(m.model()), countNorms(result.model()) + result.report().normalizationsFolded(), result.report().toString());
        assertTrue(result.model().nodes().size() <= m.model().nodes().size());
        assertSameFunction(name, m.model(), result.model(), 2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"light_resnet50"})
    void lightModelWithRandomWeightsCompilesToTheSameFunction(String name) throws Exception {
        var proto = LightModelsVsOrtTest.randomized(
                ProtoFiles.readModel(ConformanceSuiteTest.root().resolve("light").resolve(name + ".onnx")), new SplittableRandom(name.hashCode()));
        Model source = OnnxImporter.load(proto, name, null, OnnxOptions.defaults()).model();
        var result = InferenceCompiler.compileWithReport(source);
        assertEquals(countNorms(source), countNorms(result.model()) + result.report().normalizationsFolded(), result.report().toString());
        System.out.println(name + ": " + result.report());   // in the surefire report: what the pass did to a real graph
        assertSameFunction(name, source, result.model(), 1);
    }

    private static long countNorms(Model m) {
        return m.layers().stream().filter(l -> l instanceof BatchNormalization).count();
    }

    /** Element by element: |a - b| <= 1e-5 * max(1, largest |output|). */
    private static void assertSameFunction(String name, Model source, Model compiled, int batch) {
        SplittableRandom r = new SplittableRandom(3);
        Tensor x = Tensor.zeros(source.inputShape().withBatch(batch));
        float[] d = x.data();
        for (int i = 0; i < d.length; i++) d[i] = (float) r.nextDouble();
        float[] expected = source.forward(x, ForwardContext.INFERENCE).data().clone();
        float[] actual = compiled.forward(x, ForwardContext.INFERENCE).data();
        assertEquals(expected.length, actual.length);
        double scale = 0;
        for (float e : expected) scale = Math.max(scale, Math.abs(e));
        double tol = 1e-5 * Math.max(1, scale);
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
                fail(name + ": output " + i + " is " + actual[i] + ", the imported graph gives " + expected[i] + " (" + compiled.nodes().size()
                        + " of " + source.nodes().size() + " nodes)");
            }
        }
    }
}

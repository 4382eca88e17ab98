package dev.fovea.nn;

import dev.fovea.model.Model;
import dev.fovea.FoveaException;
import dev.fovea.io.ModelJson;
import dev.fovea.ops.PadOp;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tier 3 for the general-graph layers: config to model.json and back gives the same graph and outputs. */
class GraphLayersConfigTest {
    @Test
    void everyGraphLayerSurvivesModelJson() {
        Model m = new Model("graph");
        int conv = m.addNode(new Conv2D(new Conv2D.Config(4, 3, 3, 1, 2, 1, 2, 2, WindowPadding.explicit(1, 2, 0, 2), Activation.RELU, true)), Model.MODEL_INPUT);
        int bn = m.addNode(new BatchNormalization(new BatchNormalization.Config(-1, 0.9, 1e-5, true, false)), conv);
        int lrn = m.addNode(new LocalResponseNormalization(3, 1e-3, 0.75, 2), bn);
        int pool = m.addNode(new AveragePooling2D(new Pooling2D.Config(2, 2, 1, 1, 1, 1, WindowPadding.explicit(0, 0, 1, 1), true, true)), lrn);
        int mp = m.addNode(new MaxPool2D(new Pooling2D.Config(2, 2, 1, 1, 2, 1, WindowPadding.explicit(1, 0, 0, 1), false, false)), pool);
        int pad = m.addNode(new ZeroPadding2D(new int[][] {{0, 1}, {1, 0}}), mp);
        int pad2 = m.addNode(new Pad(new int[][] {{0, 0}, {0, 0}, {1, 1}}, PadOp.Mode.REFLECT, 0), pad);
        int leaky = m.addNode(PiecewiseActivation.leakyRelu(0.1), pad2);
        int elu = m.addNode(PiecewiseActivation.elu(0.5), leaky);
        int clip = m.addNode(PiecewiseActivation.clip(Double.NEGATIVE_INFINITY, 6), elu);
        int prelu = m.addNode(new PReLU(1, 2), clip);
        int mul = m.addNode(new Elementwise(Elementwise.Operation.MULTIPLY, Shape.of(1, 1, 6), false), prelu);
        int add = m.addNode(new Elementwise(Elementwise.Operation.ADD), mul, prelu);
        int konst = m.addNode(new ConstantLayer(Shape.of(6, 7, 2)), Model.MODEL_INPUT);
        int cat = m.addNode(new Concatenate(-1), add, konst);
        int perm = m.addNode(new Permute(3, 1, 2), cat);
        int soft = m.addNode(new AxisSoftmax(false, 2, 3), perm);
        int gap = m.addNode(new Reshape(8, -1), soft);
        int mm = m.addNode(new MatMul(Shape.of(42, 5), false), gap);
        int ls = m.addNode(new AxisSoftmax(true, -1), mm);
        int perm2 = m.addNode(new Reshape(8, 5, 1), ls);
        m.addNode(new GlobalPooling2D(true, false), perm2);
        m.build(7, 11, 2);
        SplittableRandom rng = new SplittableRandom(3);
        for (Parameter p : m.parameters()) {
            float[] v = p.value().data();
            for (int i = 0; i < v.length; i++) v[i] = (float) (0.2 + 0.5 * rng.nextDouble());
        }

        String json = ModelJson.write(m, Map.of());
        Model back = ModelJson.read(json, "test").model();
        assertEquals(json, ModelJson.write(back, Map.of()), "model.json is stable through a read");
        List<Parameter> a = m.parameters(), b = back.parameters();
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).name(), b.get(i).name());
            b.get(i).value().copyFrom(a.get(i).value());
        }
        Tensor x = LayerGradientChecker.uniform(rng, 0, 1, 2, 7, 11, 2);
        assertArrayEquals(m.forward(x, ForwardContext.INFERENCE).data(), back.forward(x, ForwardContext.INFERENCE).data());
    }

    @Test
    void badConfigsAreOneLineErrors() {
        var e = assertThrows(FoveaException.class, () -> LayerTypes.create("PaddedConv2D",
                Map.of("filters", 4, "kernel_size", 3, "groups", 3), "model.json: layers[0]"));
        assertTrue(e.getMessage().contains("groups"), e.getMessage());
        e = assertThrows(FoveaException.class, () -> LayerTypes.create("Pad", Map.of("paddings", List.of(List.of(1)), "mode", "constant"), "where"));
        assertTrue(e.getMessage().contains("[before, after]"), e.getMessage());
        e = assertThrows(FoveaException.class, () -> LayerTypes.create("Softmax", Map.of("axes", 1), "where"));
        assertTrue(e.getMessage().contains("unknown key"), e.getMessage());
        Model m = new Model("m");
        m.addNode(new Permute(1, 1), Model.MODEL_INPUT);
        e = assertThrows(FoveaException.class, () -> m.build(2, 3));
        assertTrue(e.getMessage().contains("each once"), e.getMessage());
    }
}

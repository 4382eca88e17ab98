package dev.fovea.onnx;

import dev.fovea.nn.MaxPool2D;
import dev.fovea.nn.Pooling2D;
import dev.fovea.nn.Conv2D;
import dev.fovea.nn.WindowPadding;
import dev.fovea.io.ModelFile;
import dev.fovea.nn.Activation;
import dev.fovea.nn.BatchNormalization;
import dev.fovea.nn.Dense;
import dev.fovea.nn.ForwardContext;
import dev.fovea.nn.GlobalPooling2D;
import dev.fovea.model.Model;
import dev.fovea.optim.Adam;
import dev.fovea.tensor.Tensor;
import dev.fovea.train.FitOptions;
import dev.fovea.train.History;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An imported model is a native one: it summarises, saves as .fovea and loads back, and trains. */
class ImportedModelTest {
    @TempDir Path dir;

    @Test
    void importedArchitectureSavesAndLoadsAsFovea() {
        OnnxModel m = Onnx.load(ConformanceSuiteTest.root().resolve("light/light_squeezenet.onnx"));
        assertTrue(m.batched(), "squeezenet keeps the batch axis free");
        assertEquals("(224, 224, 3)", m.model().inputShape().toString());
        assertTrue(m.model().summary().contains("Concatenate"), m.model().summary());
        // GlobalAveragePool then Softmax gives ONNX (N, 1000, 1, 1); Fovea's classifier outputs (N, 1000),
        // ending in a softmax activation, so the trainer fuses it with the loss.
        assertEquals("(1000,)", m.model().outputShape().toString());
        m.model().compile(new Adam(), "sparse_categorical_crossentropy", "accuracy");
        Path saved = dir.resolve("squeezenet.fovea");
        ModelFile.save(saved, m.model(), Map.of("source", "onnx"));
        Model back = ModelFile.load(saved).model();
        Tensor x = ExportOrtTest.input(m.model().inputShape(), 2, 3);
        assertArrayEquals(m.model().forward(x, ForwardContext.INFERENCE).data().clone(), back.forward(x, ForwardContext.INFERENCE).data());
    }

    @Test
    void importedModelFineTunes() throws Exception {
        Model original = new Model("net");
        int c = original.addNode(new Conv2D(new Conv2D.Config(6, 3, 3, 1, 1, 1, 1, 1, WindowPadding.explicit(1, 1, 1, 1), Activation.RELU, true)), Model.MODEL_INPUT);
        int bn = original.addNode(new BatchNormalization(), c);
        int p = original.addNode(new MaxPool2D(new Pooling2D.Config(2, 2, 2, 2, 1, 1, WindowPadding.explicit(0, 0, 0, 0), true, false)), bn);
        int g = original.addNode(GlobalPooling2D.average(), p);
        original.addNode(new Dense(3, "softmax"), g);
        original.seed(1).build(9, 9, 2);
        Path file = dir.resolve("net.onnx");
        Onnx.export(original, file);

        Model m = Onnx.importModel(file);
        m.compile(new Adam(0.01), "sparse_categorical_crossentropy", "accuracy");
        SplittableRandom rng = new SplittableRandom(5);
        Tensor x = ExportOrtTest.input(m.inputShape(), 24, 9);
        int[] y = new int[24];
        for (int i = 0; i < y.length; i++) {
            y[i] = i % 3;
            for (int j = 0; j < 9 * 9 * 2; j++) x.data()[i * 162 + j] += (float) (y[i] * 0.5 * rng.nextDouble());
        }
        History h = m.fit(x, y, FitOptions.epochs(30).batchSize(8).seed(3));
        double first = h.epochs().get(0).get("loss"), last = h.epochs().get(h.epochs().size() - 1).get("loss");
        assertTrue(last < first * 0.8, "loss " + first + " -> " + last);
    }
}

package dev.fovea.data.pipeline;

import dev.fovea.nn.Conv2D;
import dev.fovea.nn.Dense;
import dev.fovea.nn.Flatten;
import dev.fovea.nn.MaxPool2D;
import dev.fovea.nn.Parameter;
import dev.fovea.nn.RandomFlip;
import dev.fovea.nn.RandomTranslation;
import dev.fovea.model.Sequential;
import dev.fovea.optim.Adam;
import dev.fovea.tensor.Tensor;
import dev.fovea.train.FitOptions;
import dev.fovea.train.History;
import dev.fovea.train.InMemoryData;
import dev.fovea.train.TrainingData;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The trainer sees the same batches from a pipeline as from tensors, so training is bit-identical. */
class TrainingFromPipelineTest {
    private static List<Parameter> train(TrainingData data) {
        Sequential m = Sequential.of(new RandomFlip("horizontal"), new RandomTranslation(0.1, 0.1),
                new Conv2D(4, 3, "relu"), new MaxPool2D(2), new Flatten(), new Dense(5, "softmax"));
        m.seed(3).build(8, 8, 1);
        m.compile(new Adam(0.01), "sparse_categorical_crossentropy", "accuracy");
        History h = m.trainer().fit(data, FitOptions.epochs(3).batchSize(16).seed(11));
        assertEquals(3, h.epochs().size());
        return m.parameters();
    }

    @Test
    void fittingFromAPipelineEqualsFittingFromTensors() {
        Tensor x = StreamingDataTest.images(90, 8, 8, 1, 4);
        int[] y = StreamingDataTest.labels(90);
        List<Parameter> expected = train(new InMemoryData(x, y));
        try (StreamingData s = StreamingData.from(Examples.of(x, y)).workers(2).prefetch(2).build()) {
            List<Parameter> got = train(s);
            for (int i = 0; i < expected.size(); i++) {
                assertArrayEquals(expected.get(i).value().data(), got.get(i).value().data(), expected.get(i).name());
            }
        }
    }
}

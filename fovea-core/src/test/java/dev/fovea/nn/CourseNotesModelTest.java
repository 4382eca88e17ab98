package dev.fovea.nn;

import dev.fovea.model.Sequential;
import dev.fovea.model.Presets;
import dev.fovea.optim.Adam;
import dev.fovea.tensor.Tensor;
import dev.fovea.train.FitOptions;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CourseNotesModelTest {
    /** The model of the MIT 6.S191 CNN lecture, line for line as its Keras code. */
    static Sequential courseNotesModel() {
        return Sequential.of(
                new Conv2D(32, 3, "relu"),
                new MaxPool2D(2, 2),
                new Conv2D(64, 3, "relu"),
                new MaxPool2D(2, 2),
                new Flatten(),
                new Dense(1024, "relu"),
                new Dense(10, "softmax"));
    }

    @Test
    void parameterCountsEqualKeras() {
        Sequential m = courseNotesModel();
        m.build(28, 28, 1);
        assertEquals(1_668_490, m.parameterCount());
        // Per layer, as Keras's summary prints them.
        long[] expected = {320, 0, 18_496, 0, 0, 1_639_424, 10_250};
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], m.layers().get(i).parameterCount(), m.layers().get(i).name());
        String s = m.summary();
        assertTrue(s.contains("conv2d_1 (Conv2D)"), s);
        assertTrue(s.contains("(None, 5, 5, 64)"), s);
        assertTrue(s.contains("Total params: 1,668,490"), s);
    }

    @Test
    void parameterCountsOnColourInput() {
        // Keras: 32x32x3 -> conv 30 -> pool 15 -> conv 13 -> pool 6: 6*6*64 = 2304 features.
        Sequential m = courseNotesModel();
        m.build(32, 32, 3);
        assertEquals(896 + 18_496 + (2304L * 1024 + 1024) + 10_250, m.parameterCount());
    }

    @Test
    void batchNormPresetCountsAsKeras() {
        // Keras: BN has 4 parameters per channel, of which moving mean and variance are non-trainable.
        Sequential m = Presets.notesBatchNorm();
        m.build(28, 28, 1);
        assertEquals(288 + 128 + 18_432 + 256 + 1_638_400 + 4_096 + 10_250, m.parameterCount());
        String s = m.summary();
        assertTrue(s.contains("Trainable params: 1,669,610"), s);
        assertTrue(s.contains("Non-trainable params: 2,240"), s);
    }

    @Test
    void overfitsOneBatch() {
        Sequential m = Sequential.of(
                new Conv2D(8, 3, "relu"), new MaxPool2D(2), new Flatten(), new Dense(32, "relu"), new Dense(4, "softmax"));
        m.seed(7).build(10, 10, 1);
        m.compile(new Adam(0.01), "sparse_categorical_crossentropy", "accuracy");
        SplittableRandom r = new SplittableRandom(3);
        Tensor x = Tensor.zeros(16, 10, 10, 1);
        for (int i = 0; i < x.size(); i++) x.data()[i] = (float) r.nextDouble();
        int[] y = new int[16];
        for (int i = 0; i < y.length; i++) y[i] = i % 4;
        double before = m.evaluate(x, y).get("loss");
        var h = m.fit(x, y, FitOptions.epochs(60).batchSize(16));
        var after = m.evaluate(x, y);
        assertTrue(before > 1.0, "random init should start near ln 4: " + before);
        assertTrue(after.get("loss") < 0.05, "loss after overfitting: " + after);
        assertEquals(1.0, after.get("accuracy"));
        assertEquals(60, h.epochs().size());
    }
}

package dev.fovea.nn;

import dev.fovea.model.Sequential;
import dev.fovea.model.Presets;
import dev.fovea.optim.Adam;
import dev.fovea.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Gradients cleared lazily by the optimizer read as zeros, and the next backward's gradients (which
 * Conv2D and Dense write outright instead of accumulating) equal those accumulated onto real zeros.
 */
class LazyGradientClearTest {
    @Test
    void clearedGradientsReadAsZeroAndAreOverwrittenExactly() {
        Sequential model = Presets.notes(0);
        model.build(28, 28, 1);
        SplittableRandom rng = new SplittableRandom(5);
        Tensor x = Tensor.zeros(3, 28, 28, 1);
        for (int i = 0; i < x.size(); i++) x.data()[i] = (float) rng.nextDouble();
        Tensor dOut = Tensor.zeros(3, 10);
        for (int i = 0; i < dOut.size(); i++) dOut.data()[i] = (float) rng.nextDouble() - 0.5f;
        Adam adam = new Adam(0.001);

        model.forward(x, ForwardContext.INFERENCE);
        model.backward(dOut, true);
        adam.step(model.parameters());
        for (Parameter p : model.parameters()) {
            for (float g : p.grad().data()) assertEquals(0f, g, p.name() + " after step");
        }

        adam.step(model.parameters());   // marks them cleared again, now without anyone reading them
        model.forward(x, ForwardContext.INFERENCE);
        model.backward(dOut, true);      // Conv2D and Dense overwrite
        float[][] overwritten = new float[model.parameters().size()][];
        for (int i = 0; i < overwritten.length; i++) overwritten[i] = model.parameters().get(i).grad().data().clone();

        for (Parameter p : model.parameters()) p.zeroGrad();
        model.forward(x, ForwardContext.INFERENCE);
        model.backward(dOut, true);      // accumulate onto real zeros
        for (int i = 0; i < overwritten.length; i++) {
            Parameter p = model.parameters().get(i);
            assertArrayEquals(p.grad().data(), overwritten[i], p.name());
        }
    }
}

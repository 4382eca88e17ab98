package dev.fovea.nn;

import dev.fovea.model.Model;
import dev.fovea.model.Sequential;
import dev.fovea.model.Presets;
import dev.fovea.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The training backward pass, where each max pool applies its input ReLU's gradient mask and the
 * ReLU layer skips its own pass, gives bit-identical parameter gradients to the unfused pass that
 * {@link Model#backwardToInput} runs.
 */
class FusedBackwardTest {
    @Test
    void fusedAndUnfusedBackwardAgreeExactly() {
        Sequential model = Presets.notes(0);
        model.build(28, 28, 1);
        SplittableRandom rng = new SplittableRandom(3);
        Tensor x = Tensor.zeros(5, 28, 28, 1);
        for (int i = 0; i < x.size(); i++) x.data()[i] = (float) rng.nextDouble();
        Tensor dOut = Tensor.zeros(5, 10);
        for (int i = 0; i < dOut.size(); i++) dOut.data()[i] = (float) rng.nextDouble() - 0.5f;

        model.forward(x, ForwardContext.INFERENCE);
        model.backward(dOut, true);
        List<float[]> fused = gradsAndZero(model);
        model.forward(x, ForwardContext.INFERENCE);
        model.backwardToInput(dOut, true);
        List<float[]> exact = gradsAndZero(model);
        for (int i = 0; i < fused.size(); i++) {
            assertArrayEquals(exact.get(i), fused.get(i), model.parameters().get(i).name());
        }
    }

    @Test
    void convolutionWithFusedReluKeepsNoPreActivation() {
        Sequential model = Sequential.of(new Conv2D(4, 3, "relu"), new Flatten(), new Dense(3, "softmax"));
        model.build(5, 5, 1);
        model.forward(Tensor.zeros(2, 5, 5, 1), ForwardContext.INFERENCE);
        assertThrows(IllegalStateException.class, () -> ((ActivatedLayer) model.layers().get(0)).preActivation());
    }

    private static List<float[]> gradsAndZero(Model model) {
        List<float[]> g = new java.util.ArrayList<>();
        for (Parameter p : model.parameters()) {
            g.add(p.grad().data().clone());
            p.zeroGrad();
        }
        return g;
    }
}

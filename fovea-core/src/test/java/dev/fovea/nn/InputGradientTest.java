package dev.fovea.nn;

import dev.fovea.model.Model;
import dev.fovea.model.Sequential;
import dev.fovea.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Model.backwardToInput against central differences of one output score w.r.t. each input pixel. */
class InputGradientTest {
    @Test
    void inputGradientMatchesFiniteDifferences() {
        Model m = Sequential.of(new Conv2D(3, 3, "tanh").padding("same"), new AveragePooling2D(2), new Flatten(), new Dense(4, "sigmoid"));
        m.seed(9).build(6, 6, 2);
        Tensor x = Tensor.zeros(1, 6, 6, 2);
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < x.size(); i++) x.data()[i] = (float) r.nextDouble();
        int cls = 2;
        m.forward(x, ForwardContext.INFERENCE);
        Tensor dOut = Tensor.zeros(1, 4);
        dOut.data()[cls] = 1f;   // d(score of class 2)
        float[] analytic = m.backwardToInput(dOut).data().clone();
        double h = 1e-2;
        double scale = 0;
        for (float v : analytic) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < x.size(); i++) {
            float keep = x.data()[i];
            x.data()[i] = (float) (keep + h);
            double up = m.forward(x, ForwardContext.INFERENCE).data()[cls];
            x.data()[i] = (float) (keep - h);
            double down = m.forward(x, ForwardContext.INFERENCE).data()[cls];
            x.data()[i] = keep;
            // float forward: O(h^2) truncation plus ~1e-7/h rounding, well under 1e-3 of the scale
            assertEquals((up - down) / (2 * h), analytic[i], 1e-3 * scale, "pixel " + i);
        }
    }
}

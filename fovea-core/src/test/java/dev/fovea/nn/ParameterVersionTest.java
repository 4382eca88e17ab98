package dev.fovea.nn;

import dev.fovea.optim.SGD;
import dev.fovea.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Parameter.version(): every writer bumps it, so caches of derived weights (packed, transformed) know when to rebuild. */
class ParameterVersionTest {
    @Test
    void setCopiesAndBumps() {
        Parameter p = new Parameter("l/kernel", Tensor.zeros(3), Parameter.Role.KERNEL);
        assertEquals(0, p.version());
        p.set(new float[] {1, 2, 3});
        assertArrayEquals(new float[] {1, 2, 3}, p.value().data());
        assertEquals(1, p.version());
        assertThrows(IllegalArgumentException.class, () -> p.set(new float[2]));
        assertEquals(1, p.version(), "a refused set changes nothing");
    }

    @Test
    void optimizerStepBumpsTrainableParametersOnly() {
        Parameter w = new Parameter("l/kernel", Tensor.zeros(2), Parameter.Role.KERNEL);
        Parameter stat = new Parameter("bn/moving_mean", Tensor.zeros(2), Parameter.Role.STATE);
        w.grad().data()[0] = 1f;
        new SGD(0.1).step(List.of(w, stat));
        assertEquals(1, w.version());
        assertEquals(0, stat.version());
        assertEquals(-0.1f, w.value().data()[0], 1e-7f);
    }
}

package dev.fovea.train;

import dev.fovea.nn.Conv2D;
import dev.fovea.nn.Dense;
import dev.fovea.nn.Flatten;
import dev.fovea.model.Model;
import dev.fovea.model.Presets;
import dev.fovea.model.Sequential;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ModelFlopsTest {
    @Test
    void courseNotesModelOn28x28x1IsAbout24Point4MegaflopsPerTrainingImage() {
        Model m = Presets.notes(0).build(28, 28, 1);
        // conv 26*26*3*3*1*32, conv 11*11*3*3*32*64, dense 1600*1024, dense 1024*10; 2 FLOPs per multiply-add
        long forward = 2L * (26 * 26 * 9 * 32 + 11 * 11 * 9 * 32 * 64 + 1600 * 1024 + 1024 * 10);
        assertEquals(8_147_200L, forward);
        assertEquals(forward, ModelFlops.forwardPerImage(m));
        assertEquals(24_441_600L, ModelFlops.trainingPerImage(m));
    }

    @Test
    void courseNotesModelOn32x32x3() {
        Model m = Presets.notes(0).build(32, 32, 3);
        long forward = 2L * (30 * 30 * 9 * 3 * 32 + 13 * 13 * 9 * 32 * 64 + 2304 * 1024 + 1024 * 10);
        assertEquals(forward, ModelFlops.forwardPerImage(m));
        assertEquals(3 * forward, ModelFlops.trainingPerImage(m));
    }

    @Test
    void stridedSamePaddedConvolutionCountsItsOutputPositions() {
        Model m = Sequential.of(new Conv2D(4, 3).strides(2).padding("same"), new Flatten(), new Dense(5)).build(7, 7, 2);
        // "same" with stride 2 on 7x7: 4x4 outputs
        assertEquals(2L * (4 * 4 * 9 * 2 * 4 + 64 * 5), ModelFlops.forwardPerImage(m));
        assertEquals(3, ModelFlops.perLayer(m).size());
        assertEquals(0, ModelFlops.perLayer(m).get(1).forward());
    }
}

package dev.fovea.cli;

import dev.fovea.model.Model;
import dev.fovea.model.Presets;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Behaviour of the runner, not speed: speed is never asserted by tests. */
class TrainingBenchmarkTest {
    @Test
    void repetitionMeasuresEveryMetricAndCalibratesWindows() {
        Model m = Presets.get("tiny").factory().get().build(12, 12, 1);
        TrainingBenchmark b = new TrainingBenchmark(m, new TrainingBenchmark.Settings(4, 0.01, 1));
        WarmupPolicy.Result w = b.warmUp(new WarmupPolicy(0, 0.3, 0.5, 2));
        assertTrue(w.rounds() >= 1, "a slow machine may stop warm-up after the first round");
        long before = b.trainer().optimizer().iterations();
        TrainingBenchmark.Repetition r = b.repetition();
        assertEquals(b.sizes().trainSteps() + 1, b.trainer().optimizer().iterations() - before, "one untimed step plus the timed ones");
        assertTrue(r.trainImgPerSec() > 0 && r.inferImgPerSec() > 0 && r.latencyMs() > 0, r.toString());
        if (AllocationCounter.supported()) assertTrue(r.allocBytesPerStep() >= 0, r.toString());
    }
}

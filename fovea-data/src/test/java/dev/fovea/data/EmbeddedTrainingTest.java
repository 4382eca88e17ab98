package dev.fovea.data;

import dev.fovea.model.Presets;
import dev.fovea.model.Sequential;
import dev.fovea.optim.Adam;
import dev.fovea.train.FitOptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tier 4: a short run on the embedded Fashion-MNIST subset must beat chance (10%) by a wide margin. */
class EmbeddedTrainingTest {
    @Test
    void shortRunBeatsChanceByAWideMargin() {
        TrainTest tt = DataSources.embedded().load();
        Sequential m = Presets.get("tiny").factory().get();
        m.seed(1).build(tt.train().imageShape());
        m.compile(new Adam(0.003), "sparse_categorical_crossentropy", "accuracy");
        m.fit(tt.train().images(), tt.train().labels(), FitOptions.epochs(1).batchSize(64));
        double acc = m.evaluate(tt.test().images(), tt.test().labels()).get("accuracy");
        assertTrue(acc > 0.70, "test accuracy after one epoch of the tiny CNN: " + acc);
    }
}

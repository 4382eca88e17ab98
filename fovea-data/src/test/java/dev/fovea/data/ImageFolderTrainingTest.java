package dev.fovea.data;

import dev.fovea.model.Presets;
import dev.fovea.nn.RandomFlip;
import dev.fovea.nn.RandomTranslation;
import dev.fovea.model.Sequential;
import dev.fovea.optim.Adam;
import dev.fovea.train.FitOptions;
import dev.fovea.train.InMemoryData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tier 4 from files: Fashion-MNIST images written as PNG class folders train the tiny CNN, augmentation on, well above chance. */
class ImageFolderTrainingTest {
    @TempDir Path tmp;

    private static void export(Dataset d, int count, Path dir) throws IOException {
        for (int i = 0; i < count; i++) {
            Path f = dir.resolve("class" + d.label(i)).resolve(i + ".png");
            Files.createDirectories(f.getParent());
            PngWriter.write(d.image(i), f);
        }
    }

    @Test
    void pngFoldersTrainTheTinyModelWithAugmentation() throws IOException {
        TrainTest tt = DataSources.embedded().load();
        export(tt.train(), 2000, tmp.resolve("train"));
        export(tt.test(), 400, tmp.resolve("test"));
        DataSource src = DataSources.resolve(tmp.toString(), null, DataOptions.defaults());
        try (Streams s = DataSources.open(src, DataOptions.defaults())) {
            assertEquals(2000, s.train().size());
            assertEquals(dev.fovea.tensor.Shape.of(28, 28, 1), s.train().exampleShape());
            Sequential m = Sequential.of(new RandomFlip("horizontal"), new RandomTranslation(0.05, 0.05));
            Presets.get("tiny").factory().get().layers().forEach(m::add);
            m.seed(1).build(s.train().exampleShape());
            m.compile(new Adam(0.003), "sparse_categorical_crossentropy", "accuracy");
            m.trainer().fit(s.train(), FitOptions.epochs(2).batchSize(32));
            InMemoryData test = s.testInMemory();
            double acc = m.evaluate(test.images(), test.labels()).get("accuracy");
            assertTrue(acc > 0.6, "test accuracy after two epochs on 2000 PNGs: " + acc);
        }
    }
}

package dev.fovea.train;

import dev.fovea.io.Checkpoint;
import dev.fovea.nn.Dense;
import dev.fovea.nn.Flatten;
import dev.fovea.model.Model;
import dev.fovea.model.Sequential;
import dev.fovea.optim.Adam;
import dev.fovea.tensor.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Child process of {@link ResumeTest}: saves a checkpoint of a ~16 MB model (weights and Adam
 * moments) over and over until it is killed, marking when the first save completed.
 */
public final class CheckpointSaver {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        Model m = Sequential.of(new Flatten(), new Dense(1024, "relu"), new Dense(3, "softmax"));
        m.seed(1).build(32, 32, 1);
        m.compile(new Adam(0.01), "sparse_categorical_crossentropy");
        m.fit(Tensor.zeros(4, 32, 32, 1), new int[] {0, 1, 2, 0}, FitOptions.epochs(1).batchSize(4));
        Checkpoint.save(file, m.trainer(), Map.of());
        Files.createFile(file.resolveSibling("first-save-done"));
        while (true) Checkpoint.save(file, m.trainer(), Map.of());
    }
}

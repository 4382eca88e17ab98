package dev.fovea.spark;

import dev.fovea.data.PngWriter;
import dev.fovea.io.ModelFile;
import dev.fovea.model.Model;
import dev.fovea.model.Sequential;
import dev.fovea.nn.Conv2D;
import dev.fovea.nn.Dense;
import dev.fovea.nn.Flatten;
import dev.fovea.nn.MaxPool2D;
import dev.fovea.tensor.Tensor;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** A small CNN on 8x8 grayscale images with three classes, and images to feed it. */
final class TinyModels {
    static final List<String> CLASSES = List.of("dark", "striped", "bright");

    private TinyModels() {}

    static Model cnn(long seed) {
        Model m = Sequential.of(new Conv2D(4, 3, "relu"), new MaxPool2D(2, 2), new Flatten(), new Dense(3, "softmax"));
        m.seed(seed).build(8, 8, 1);
        m.classNames(CLASSES);
        return m;
    }

    static Path saved(Path dir, long seed) {
        Path file = dir.resolve("tiny-" + seed + ".fovea");
        ModelFile.save(file, cnn(seed), Map.of());
        return file;
    }

    /** Image i of class i % 3: dark, striped or bright, with noise from the seed. */
    static Tensor image(int i, long seed) {
        SplittableRandom r = new SplittableRandom(seed * 31 + i);
        float[] px = new float[64];
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                float base = switch (i % 3) {
                    case 0 -> 0.1f;
                    case 1 -> (y % 2 == 0) ? 0.9f : 0.1f;
                    default -> 0.9f;
                };
                px[y * 8 + x] = Math.min(1f, Math.max(0f, base + (float) (r.nextDouble() - 0.5) * 0.2f));
            }
        }
        return Tensor.of(px, 8, 8, 1);
    }

    static void writePng(Path file, int i, long seed) {
        PngWriter.write(image(i, seed), file);
    }
}

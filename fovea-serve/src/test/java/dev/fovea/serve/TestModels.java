package dev.fovea.serve;

import dev.fovea.data.DataSources;
import dev.fovea.data.TrainTest;
import dev.fovea.io.ModelFile;
import dev.fovea.nn.Dense;
import dev.fovea.nn.Flatten;
import dev.fovea.nn.ForwardContext;
import dev.fovea.nn.Layer;
import dev.fovea.model.Model;
import dev.fovea.model.Presets;
import dev.fovea.model.Sequential;
import dev.fovea.optim.Adam;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;
import dev.fovea.train.FitOptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Models the server tests share: a tiny CNN trained once per JVM on the embedded data, and a model that waits on a gate. */
final class TestModels {
    private static Path trained;

    private TestModels() {}

    /** The "tiny" preset trained one epoch on the embedded Fashion-MNIST subset (about 80% test accuracy), saved once. */
    static synchronized Path trainedTiny() {
        if (trained != null) return trained;
        try {
            TrainTest tt = DataSources.embedded().load();
            Model m = Presets.get("tiny").factory().get();
            m.build(28, 28, 1).classNames(tt.train().classNames());
            m.compile(new Adam(0.003), "sparse_categorical_crossentropy", "accuracy");
            m.fit(tt.train().images(), tt.train().labels(), FitOptions.epochs(1).batchSize(64).seed(1));
            Path dir = Files.createTempDirectory("fovea-serve-test");
            dir.toFile().deleteOnExit();
            trained = dir.resolve("tiny.fovea");
            ModelFile.save(trained, m, Map.of());
            trained.toFile().deleteOnExit();
            return trained;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] pullover() {
        try (InputStream in = TestModels.class.getResourceAsStream("/dev/fovea/data/fashion-mnist-t10k-1-pullover.png")) {
            if (in != null) return in.readAllBytes();
            return Files.readAllBytes(Path.of("../fovea-data/src/test/resources/dev/fovea/data/fashion-mnist-t10k-1-pullover.png"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A classifier over (28, 28, 1) whose forward pass waits until the gate opens: to fill queues on purpose. */
    static Model gated(CountDownLatch gate) {
        Model m = Sequential.of(new Gate(gate), new Flatten(), new Dense(10, "softmax"));
        m.build(28, 28, 1).classNames(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));
        return m;
    }

    /** Identity that blocks in forward until its latch is released. */
    static final class Gate extends Layer {
        private final CountDownLatch gate;

        Gate(CountDownLatch gate) { this.gate = gate; }

        @Override public String className() { return "Gate"; }
        @Override public Map<String, Object> config() { return Map.of(); }
        @Override protected Shape doBuild(Shape in, SplittableRandom rng) { return in; }

        @Override public Tensor forward(Tensor x, ForwardContext ctx) {
            try {
                if (!gate.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("gate never opened");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return x;
        }

        @Override public Tensor backward(Tensor dy, boolean needInputGrad) { return dy; }
    }
}

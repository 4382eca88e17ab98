package dev.fovea.train;

import dev.fovea.io.Checkpoint;
import dev.fovea.nn.Conv2D;
import dev.fovea.nn.Dense;
import dev.fovea.nn.Dropout;
import dev.fovea.nn.Flatten;
import dev.fovea.nn.MaxPool2D;
import dev.fovea.model.Model;
import dev.fovea.nn.Parameter;
import dev.fovea.model.Sequential;
import dev.fovea.optim.Adam;
import dev.fovea.optim.LearningRateSchedule;
import dev.fovea.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Exact resume: k steps, checkpoint, load, the rest equals an uninterrupted run bit for bit. */
class ResumeTest {
    @TempDir Path dir;

    static final int N = 40, BATCH = 8, EPOCHS = 3;   // 5 steps an epoch, 15 in all
    static final Tensor X = Tensor.zeros(N, 8, 8, 1);
    static final int[] Y = new int[N];

    static {
        SplittableRandom r = new SplittableRandom(4);
        for (int i = 0; i < X.size(); i++) X.data()[i] = (float) r.nextDouble();
        for (int i = 0; i < N; i++) Y[i] = r.nextInt(3);
    }

    static Model fresh() {
        Model m = Sequential.of(new Conv2D(4, 3, "relu"), new MaxPool2D(2), new Flatten(), new Dropout(0.3), new Dense(3, "softmax"));
        m.seed(21).build(8, 8, 1);
        m.compile(new Adam(0.01), "sparse_categorical_crossentropy", "accuracy");
        return m;
    }

    static FitOptions options() {
        return FitOptions.epochs(EPOCHS).batchSize(BATCH).seed(5).schedule(LearningRateSchedule.cosine(0.01, 2, 15, 0.1));
    }

    static float[][] weights(Model m) {
        List<Parameter> ps = m.parameters();
        float[][] w = new float[ps.size()][];
        for (int i = 0; i < ps.size(); i++) w[i] = ps.get(i).value().data().clone();
        return w;
    }

    @Test
    void resumedRunIsBitIdenticalToAnUninterruptedOne() {
        Model straight = fresh();
        History full = straight.fit(X, Y, options());
        for (int k : new int[] {3, 5, 7}) {   // mid-epoch, at an epoch boundary, mid-epoch of the second
            Model first = fresh();
            first.fit(X, Y, options().maxSteps(k));
            Path ckpt = dir.resolve("k" + k + ".fovea");
            Checkpoint.save(ckpt, first.trainer(), Map.of());
            Checkpoint.Restored r = Checkpoint.load(ckpt);
            assertEquals(k, r.state().globalStep());
            r.model().compile(r.optimizer(), "sparse_categorical_crossentropy", "accuracy");
            History rest = r.model().fit(X, Y, options().resume(r.state()));
            float[][] a = weights(straight), b = weights(r.model());
            for (int i = 0; i < a.length; i++) assertArrayEquals(a[i], b[i], "parameter " + i + " after resuming at step " + k);
            assertEquals(full.epochs(), rest.epochs(), "epoch logs after resuming at step " + k);
        }
    }

    @Test
    void sameSeedSameWeights() {
        Model a = fresh(), b = fresh();
        a.fit(X, Y, options());
        b.fit(X, Y, options());
        float[][] wa = weights(a), wb = weights(b);
        for (int i = 0; i < wa.length; i++) assertArrayEquals(wa[i], wb[i]);
        Model c = fresh();
        c.fit(X, Y, options().seed(6));
        assertFalse(java.util.Arrays.equals(wa[0], weights(c)[0]), "another seed must give another run");
    }

    @Test
    void aRunKilledDuringASaveLeavesThePreviousCheckpointLoadable() throws Exception {
        Path ckpt = dir.resolve("killed.fovea");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                CheckpointSaver.class.getName(), ckpt.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("saver.log").toFile()).start();
        // Wait for the first complete checkpoint, then kill the saver while it is writing more.
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!Files.exists(dir.resolve("first-save-done")) && System.nanoTime() < deadline && p.isAlive()) Thread.sleep(20);
        Thread.sleep(150);
        p.destroyForcibly().waitFor();
        assertEquals(true, Files.exists(dir.resolve("first-save-done")), Files.readString(dir.resolve("saver.log")));
        Checkpoint.Restored r = Checkpoint.load(ckpt);   // whole: an older or a newer save, never a torn one
        assertEquals(1, r.state().globalStep());
    }
}

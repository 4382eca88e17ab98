package dev.fovea.legacy;

import dev.fovea.io.ModelFile;
import dev.fovea.io.Safetensors;
import dev.fovea.io.TensorFile;
import dev.fovea.nn.*;
import dev.fovea.ops.Padding;
import dev.fovea.tensor.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes the old-format fixtures of LegacyModelFilesTest with the code of the commit that adds
 * them (run once by hand: -Dfovea.writeLegacyFixtures=DIR); kept only in that commit.
 */
public final class LegacyFixtureWriter {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        Model graph = graph();
        save(dir, "graph", graph, 2, 12, 12, 3);
        for (String preset : Presets.names()) {
            Sequential m = Presets.get(preset).factory().get();
            m.build(28, 28, 1);
            // Weights from the default seed: the architecture file alone reproduces them (6 MB .fovea files stay out of git).
            if (preset.equals("tiny")) save(dir, "preset-" + preset, m, 2, 28, 28, 1);
            else saveArchitecture(dir, "preset-" + preset, m, 2, 28, 28, 1);
        }
    }

    /** Every layer type old files use: padded and grouped convolution, padded pooling, Normalization, augmentation, a residual Add. */
    static Model graph() {
        Model m = new Model("legacy_graph");
        int r = m.addNode(new Rescaling(1 / 255.0, 0), Model.MODEL_INPUT);
        int n = m.addNode(new Normalization(new float[] {0.4f, 0.5f, 0.6f}, new float[] {0.05f, 0.06f, 0.07f}), r);
        int a = m.addNode(new RandomFlip("horizontal"), n);
        a = m.addNode(new RandomTranslation(0.1, 0.1), a);
        a = m.addNode(new RandomRotation(0.1), a);
        a = m.addNode(new RandomZoom(0.1), a);
        a = m.addNode(new RandomErasing(), a);
        int c1 = m.addNode(new PaddedConv2D(new PaddedConv2D.Config(8, 3, 3, 1, 1, 1, 1, 1, new int[][] {{1, 2}, {0, 1}},
                Activation.RELU, true)), a);
        int c2 = m.addNode(new PaddedConv2D(new PaddedConv2D.Config(8, 3, 3, 1, 1, 2, 2, 4, new int[][] {{2, 2}, {2, 2}},
                Activation.LINEAR, false)), c1);
        int add = m.addNode(new Add(), c1, c2);
        int bn = m.addNode(new BatchNormalization(), add);
        int p1 = m.addNode(new PaddedPooling2D(new PaddedPooling2D.Config(true, 3, 3, 2, 2, 1, 1, new int[][] {{1, 0}, {1, 1}}, true, false)), bn);
        int p2 = m.addNode(new PaddedPooling2D(new PaddedPooling2D.Config(false, 2, 2, 1, 1, 1, 1, new int[][] {{1, 1}, {0, 1}}, false, true)), p1);
        int c3 = m.addNode(new Conv2D(6, 3, "relu").strides(2).padding("same"), p2);
        int mp = m.addNode(new MaxPool2D(2, 1).padding("same"), c3);
        int ap = m.addNode(new AveragePooling2D(2, 1), mp);
        int g = m.addNode(GlobalPooling2D.average(), ap);
        m.addNode(new Dense(5, "softmax"), g);
        m.build(12, 12, 3);
        randomise(m, 3);
        return m;
    }

    static void randomise(Model m, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (Parameter p : m.parameters()) {
            float[] d = p.value().data();
            boolean variance = p.name().endsWith("moving_variance");
            for (int i = 0; i < d.length; i++) d[i] = variance ? (float) rng.nextDouble(0.5, 1.5) : (float) rng.nextDouble(-0.3, 0.3);
        }
    }

    static void saveArchitecture(Path dir, String name, Model m, int batch, int h, int w, int c) throws Exception {
        Files.writeString(dir.resolve(name + ".model.json"), dev.fovea.io.ModelJson.write(m, Map.of("note", "written by LegacyFixtureWriter")));
        io(dir, name, m, batch, h, w, c);
    }

    static void save(Path dir, String name, Model m, int batch, int h, int w, int c) {
        ModelFile.save(dir.resolve(name + ".fovea"), m, Map.of("note", "written by LegacyFixtureWriter"));
        io(dir, name, m, batch, h, w, c);
    }

    static void io(Path dir, String name, Model m, int batch, int h, int w, int c) {
        SplittableRandom rng = new SplittableRandom(11);
        Tensor x = Tensor.zeros(batch, h, w, c);
        float[] d = x.data();
        for (int i = 0; i < d.length; i++) d[i] = (float) rng.nextDouble(0, name.equals("graph") ? 255 : 1);
        Tensor y = m.forward(x, ForwardContext.INFERENCE).copy();
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("input", x);
        t.put("output", y);
        Safetensors.save(dir.resolve(name + ".io.safetensors"), TensorFile.of(t));
    }
}

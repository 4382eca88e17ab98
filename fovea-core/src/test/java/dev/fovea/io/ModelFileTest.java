package dev.fovea.io;

import dev.fovea.FoveaException;
import dev.fovea.nn.Conv2D;
import dev.fovea.nn.Dense;
import dev.fovea.nn.Dropout;
import dev.fovea.nn.Flatten;
import dev.fovea.nn.MaxPool2D;
import dev.fovea.nn.AveragePooling2D;
import dev.fovea.model.Model;
import dev.fovea.nn.Parameter;
import dev.fovea.model.Sequential;
import dev.fovea.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelFileTest {
    @TempDir Path dir;

    private static Sequential model() {
        Sequential m = Sequential.of(
                new Conv2D(4, 3, "relu").padding("same").strides(2), new MaxPool2D(2),
                new Conv2D(6, 2, "tanh").useBias(false), new AveragePooling2D(1), new Flatten(),
                new Dense(8, "sigmoid"), new Dropout(0.25), new Dense(3, "softmax"));
        m.seed(11).build(9, 9, 2);
        m.classNames(List.of("a", "b", "c"));
        return m;
    }

    private static Tensor input() {
        Tensor x = Tensor.zeros(5, 9, 9, 2);
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < x.size(); i++) x.data()[i] = (float) r.nextDouble();
        return x;
    }

    @Test
    void roundTripIsBitIdentical() {
        Sequential m = model();
        Path f = dir.resolve("m.fovea");
        ModelFile.save(f, m, Map.of("seed", 11L));
        ModelFile.Saved loaded = ModelFile.load(f);
        Model back = loaded.model();
        assertEquals(m.summary(), back.summary());
        assertEquals(List.of("a", "b", "c"), back.classNames());
        assertEquals(11L, loaded.provenance().get("seed"));
        List<Parameter> a = m.parameters(), b = back.parameters();
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).name(), b.get(i).name());
            float[] x = a.get(i).value().data(), y = b.get(i).value().data();
            for (int j = 0; j < x.length; j++) assertEquals(Float.floatToRawIntBits(x[j]), Float.floatToRawIntBits(y[j]));
        }
        assertArrayEquals(m.predict(input()).data(), back.predict(input()).data());
    }

    @Test
    void residualGraphRoundTrips() {
        // input -> conv a -> conv b (same) -> add(a, b) -> flatten -> dense softmax
        Model m = new Model("residual");
        int a = m.addNode(new Conv2D(3, 3, "relu").padding("same"), Model.MODEL_INPUT);
        int b = m.addNode(new Conv2D(3, 3, "relu").padding("same"), a);
        int sum = m.addNode(new dev.fovea.nn.Add(), a, b);
        int flat = m.addNode(new Flatten(), sum);
        m.addNode(new Dense(2, "softmax"), flat);
        m.seed(3).build(5, 5, 1);
        Path f = dir.resolve("r.fovea");
        ModelFile.save(f, m, Map.of());
        Model back = ModelFile.load(f).model();
        assertArrayEquals(new int[] {a, b}, back.nodes().get(sum).inputs());
        Tensor x = Tensor.zeros(2, 5, 5, 1);
        for (int i = 0; i < x.size(); i++) x.data()[i] = (i % 7) / 7f;
        assertArrayEquals(m.predict(x).data(), back.predict(x).data());
        // and it trains: the fan-out of node a sums two gradients
        back.compile(new dev.fovea.optim.Adam(0.05), "sparse_categorical_crossentropy", "accuracy");
        int[] y = {0, 1};
        double before = back.evaluate(x, y).get("loss");
        back.fit(x, y, dev.fovea.train.FitOptions.epochs(30).batchSize(2));
        assertTrue(back.evaluate(x, y).get("loss") < before / 4, "residual model did not learn");
    }

    @Test
    void savingTwiceGivesIdenticalBytes() throws Exception {
        Sequential m = model();
        ModelFile.save(dir.resolve("a.fovea"), m, Map.of());
        ModelFile.save(dir.resolve("b.fovea"), m, Map.of());
        assertArrayEquals(Files.readAllBytes(dir.resolve("a.fovea")), Files.readAllBytes(dir.resolve("b.fovea")));
    }

    @Test
    void refusesUnknownVersionAndLayer() {
        Sequential m = model();
        String json = ModelJson.write(m, Map.of());
        var newer = assertThrows(FoveaException.class, () -> ModelJson.read(json.replace("\"format_version\": 1", "\"format_version\": 2"), "m.json"));
        assertTrue(newer.getMessage().contains("version 2"), newer.getMessage());
        var unknown = assertThrows(FoveaException.class, () -> ModelJson.read(json.replace("\"Flatten\"", "\"Flattenn\""), "m.json"));
        assertTrue(unknown.getMessage().contains("unknown layer type \"Flattenn\""), unknown.getMessage());
        var badValue = assertThrows(FoveaException.class, () -> ModelJson.read(json.replace("\"units\": 8", "\"units\": -8"), "m.json"));
        assertTrue(badValue.getMessage().contains("units"), badValue.getMessage());
    }

    @Test
    void refusesWeightsThatDoNotFitTheArchitecture() {
        Sequential m = model();
        Path f = dir.resolve("m.fovea");
        String json = ModelJson.write(m, Map.of());
        ModelArchive.write(f, json.replace("\"units\": 8", "\"units\": 7"), weights(m));
        var e = assertThrows(FoveaException.class, () -> ModelFile.load(f));
        assertTrue(e.getMessage().contains("dense/kernel") && e.getMessage().contains("shape"), e.getMessage());
        var w = weights(m);
        w.remove("dense_1/bias");
        ModelArchive.write(f, json, w);
        var missing = assertThrows(FoveaException.class, () -> ModelFile.load(f));
        assertTrue(missing.getMessage().contains("dense_1/bias"), missing.getMessage());
    }

    @Test
    void refusesFilesThatAreNotModels() throws Exception {
        Path f = dir.resolve("junk.fovea");
        Files.writeString(f, "this is not a zip", StandardCharsets.UTF_8);
        var e = assertThrows(FoveaException.class, () -> ModelFile.load(f));
        assertTrue(e.getMessage().contains("junk.fovea"), e.getMessage());
        Path good = dir.resolve("good.fovea");
        ModelFile.save(good, model(), Map.of());
        byte[] bytes = Files.readAllBytes(good);
        Files.write(f, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThrows(FoveaException.class, () -> ModelFile.load(f));
    }

    private static Map<String, Tensor> weights(Model m) {
        Map<String, Tensor> w = new java.util.LinkedHashMap<>();
        for (Parameter p : m.parameters()) w.put(p.name(), p.value());
        return w;
    }
}

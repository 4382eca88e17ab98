package dev.fovea.cli;

import dev.fovea.json.Json;
import dev.fovea.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** fovea visualize, the train and evaluate reports, and serve's argument errors, run in-process. */
class VizCommandsTest {
    @TempDir static Path dir;
    static Path trained;
    static Path pullover;

    static FoveaRun fovea(String... args) {
        return FoveaRun.of(args);
    }

    @BeforeAll
    static void train() throws Exception {
        trained = dir.resolve("models").resolve("tiny.fovea");
        Files.createDirectories(trained.getParent());
        FoveaRun r = fovea("train", "--model", "tiny", "--epochs", "2", "--output", trained.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        pullover = dir.resolve("pullover.png");
        Files.copy(Path.of("../fovea-data/src/test/resources/dev/fovea/data/fashion-mnist-t10k-1-pullover.png"), pullover);
    }

    @Test
    void trainWritesItsReportBesideTheModelAndEvaluateRedrawsTheCurves() throws Exception {
        Path report = dir.resolve("models/runs/tiny");
        for (String f : List.of("index.html", "loss.png", "accuracy.png", "confusion.png", "confusion.csv", "per_class.csv", "misclassified.png", "metrics.json")) {
            assertTrue(Files.isRegularFile(report.resolve(f)), f);
        }
        JsonObject metrics = Json.parseObject(Files.readString(report.resolve("metrics.json")), "metrics.json");
        assertEquals(2, metrics.requireArray("history").size());
        assertEquals(10, metrics.requireArray("per_class").size());
        FoveaRun e = fovea("evaluate", "--model", trained.toString(), "--json");
        assertEquals(0, e.code(), e.err());
        assertTrue(Json.parseObject(e.out(), "evaluate").requireString("report").endsWith("evaluate/index.html".replace('/', java.io.File.separatorChar)));
        assertTrue(Files.isRegularFile(report.resolve("evaluate/loss.png")), "curves come from the history the model file records");
        Path elsewhere = dir.resolve("elsewhere");
        assertEquals(0, fovea("evaluate", "--model", trained.toString(), "--report", elsewhere.toString()).code());
        assertTrue(Files.isRegularFile(elsewhere.resolve("confusion.csv")));
        Path none = dir.resolve("none");
        assertEquals(0, fovea("evaluate", "--model", trained.toString(), "--no-report", "--report", none.toString()).code());
        assertFalse(Files.exists(none));
    }

    @Test
    void visualizeWritesEveryPictureAndThePage() throws Exception {
        Path out = dir.resolve("viz");
        FoveaRun r = fovea("visualize", trained.toString(), pullover.toString(), "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject j = Json.parseObject(r.out(), "visualize");
        assertEquals("Pullover", j.requireString("class"));
        assertEquals("conv2d", j.requireString("grad_cam_layer"));
        for (String f : List.of("index.html", "input.png", "probabilities.png", "saliency.png", "gradcam.png", "filters-conv2d.png",
                "features-00-conv2d.png", "features-01-max_pooling2d.png")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        FoveaRun coat = fovea("visualize", "--model", trained.toString(), pullover.toString(), "--out", dir.resolve("viz-coat").toString(), "--class", "Coat", "--json");
        assertEquals("Coat", Json.parseObject(coat.out(), "visualize").requireString("class"));
        FoveaRun four = fovea("visualize", trained.toString(), pullover.toString(), "--out", dir.resolve("viz-4").toString(), "--class", "4", "--json");
        assertEquals(4, Json.parseObject(four.out(), "visualize").requireInt("class_index"));
    }

    @Test
    void badArgumentsGiveOneLineErrors() throws Exception {
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "hello");
        List<String[]> cases = List.of(
                new String[] {"visualize", trained.toString(), pullover.toString(), "--class", "Spaceship", "--out", dir.resolve("x").toString()},
                new String[] {"visualize", trained.toString(), text.toString(), "--out", dir.resolve("y").toString()},
                new String[] {"visualize", "notes", pullover.toString()},
                new String[] {"serve", dir.resolve("missing.fovea").toString(), "--port", "0"},
                new String[] {"serve", text.toString()},
                new String[] {"serve", "bad name=" + trained, "--port", "0"},
                new String[] {"serve", trained.toString(), "--port", "0", "--max-batch", "0"});
        for (String[] args : cases) {
            FoveaRun r = fovea(args);
            String what = String.join(" ", args) + " -> " + r.err();
            assertEquals(1, r.code(), what);
            String[] lines = r.err().strip().split("\n");
            assertTrue(lines[lines.length - 1].startsWith("fovea: error: "), what);
            assertFalse(r.err().contains("\tat "), what);
        }
    }
}

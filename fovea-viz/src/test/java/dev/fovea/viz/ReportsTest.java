package dev.fovea.viz;

import dev.fovea.nn.Conv2D;
import dev.fovea.nn.Dense;
import dev.fovea.nn.Flatten;
import dev.fovea.nn.MaxPool2D;
import dev.fovea.model.Model;
import dev.fovea.model.Sequential;
import dev.fovea.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Colour maps, class metrics against hand-computed values, and the files the reports leave. */
class ReportsTest {
    @TempDir Path dir;

    @Test
    void viridisAndInfernoEndWhereMatplotlibsDo() {
        assertEquals(0x440154, ColorMap.VIRIDIS.rgb(0));
        assertEquals(0xFDE725, ColorMap.VIRIDIS.rgb(1));
        assertEquals(0x000004, ColorMap.INFERNO.rgb(0));
        assertEquals(ColorMap.VIRIDIS.rgb(0), ColorMap.VIRIDIS.rgb(Double.NaN));
        assertEquals(ColorMap.VIRIDIS.rgb(1), ColorMap.VIRIDIS.rgb(7));
    }

    @Test
    void precisionRecallAndF1AsScikitLearnComputesThem() {
        // labels 0 0 0 1 1 2, predictions 0 0 1 1 2 2: class 0 P 2/2 R 2/3; class 1 P 1/2 R 1/2; class 2 P 1/2 R 1/1.
        ClassMetrics m = ClassMetrics.of(new int[] {0, 0, 0, 1, 1, 2}, new int[] {0, 0, 1, 1, 2, 2}, List.of("a", "b", "c"));
        assertEquals(1.0, m.rows().get(0).precision(), 1e-12);
        assertEquals(2.0 / 3, m.rows().get(0).recall(), 1e-12);
        assertEquals(0.8, m.rows().get(0).f1(), 1e-12);
        assertEquals(0.5, m.rows().get(1).f1(), 1e-12);
        assertEquals(2.0 / 3, m.rows().get(2).f1(), 1e-12);
        assertEquals(4.0 / 6, m.accuracy(), 1e-12);
        assertEquals((0.8 + 0.5 + 2.0 / 3) / 3, m.macroAverage().f1(), 1e-12);
        assertEquals((0.8 * 3 + 0.5 * 2 + 2.0 / 3) / 6, m.weightedAverage().f1(), 1e-12);
        assertEquals("true\\predicted,a,b,c\na,2,1,0\nb,0,1,1\nc,0,0,1\n", m.confusionCsv());
        assertTrue(m.perClassCsv().startsWith("class,precision,recall,f1,support\na,1.0000,0.6667,0.8000,3\n"), m.perClassCsv());
        ClassMetrics never = ClassMetrics.of(new int[] {0, 1}, new int[] {0, 0}, List.of("x", "y"));
        assertEquals(0.0, never.rows().get(1).precision(), "never predicted: precision 0, as scikit-learn's default");
        assertEquals("\"a,b\"", ClassMetrics.csv("a,b"));
    }

    @Test
    void trainingReportWritesEveryPart() throws Exception {
        int n = 6;
        Tensor images = Tensor.zeros(n, 8, 8, 1);
        for (int i = 0; i < images.size(); i++) images.data()[i] = (i % 13) / 13f;
        int[] labels = {0, 1, 2, 0, 1, 2};
        Tensor probs = Tensor.zeros(n, 3);
        int[] predicted = {0, 1, 1, 0, 2, 2};
        for (int i = 0; i < n; i++) probs.set(0.8f, i, predicted[i]);
        for (int i = 0; i < n; i++) for (int j = 0; j < 3; j++) if (j != predicted[i]) probs.set(0.1f, i, j);
        List<Map<String, Double>> epochs = List.of(Map.of("loss", 1.0, "accuracy", 0.5, "val_loss", 1.1, "val_accuracy", 0.45),
                Map.of("loss", 0.6, "accuracy", 0.7, "val_loss", 0.8, "val_accuracy", 0.6));
        List<double[]> running = List.of(new double[] {0.5, 1.4, 0.4}, new double[] {1, 1.0, 0.5}, new double[] {1, Double.NaN, Double.NaN},
                new double[] {1.5, 0.7, 0.65}, new double[] {2, 0.6, 0.7});
        Path page = TrainingReport.write(dir, new TrainingReport.Data("test report", List.of("a", "b", "c"), epochs, running,
                images, labels, probs, Map.of("model", "m.fovea")));
        for (String f : List.of("loss.png", "accuracy.png", "confusion.png", "confusion.csv", "per_class.csv", "misclassified.png", "metrics.json", "index.html")) {
            assertTrue(Files.size(dir.resolve(f)) > 0, f);
        }
        assertEquals("true\\predicted,a,b,c\na,2,0,0\nb,0,1,1\nc,0,1,1\n", Files.readString(dir.resolve("confusion.csv")));
        BufferedImage conf = ImageIO.read(dir.resolve("confusion.png").toFile());
        assertEquals(760, conf.getWidth());
        String html = Files.readString(page);
        assertTrue(html.contains("data:image/png;base64,") && html.contains("Per-class precision"), "page embeds its pictures");
        assertTrue(Files.readString(dir.resolve("metrics.json")).contains("\"accuracy\": 0.6666666666666666"));
    }

    @Test
    void noMistakesNoMisclassifiedGrid() {
        Tensor probs = Tensor.of(new float[] {0.9f, 0.1f, 0.2f, 0.8f}, 2, 2);
        assertNull(Misclassified.render(Tensor.zeros(2, 4, 4, 1), new int[] {0, 1}, probs, List.of("a", "b"), 10));
    }

    @Test
    void visualizerDrawsEveryConvolutionAndPoolingLayerAndAPage() throws Exception {
        Model m = Sequential.of(new Conv2D(4, 3, "relu"), new MaxPool2D(2, 2), new Conv2D(6, 3, "relu"), new Flatten(), new Dense(3, "softmax"));
        m.build(12, 12, 1).classNames(List.of("a", "b", "c"));
        Tensor x = Tensor.zeros(12, 12, 1);
        for (int i = 0; i < x.size(); i++) x.data()[i] = (i * 7 % 11) / 11f;
        Visualizer.Report r = Visualizer.run(m, x, "test image", 2);
        assertEquals(3, r.featureMaps().size(), "conv2d, max_pooling2d, conv2d_1");
        assertEquals(2, r.attribution().classIndex());
        Path index = Visualizer.write(r, dir);
        for (String f : List.of("input.png", "probabilities.png", "saliency.png", "saliency-overlay.png", "gradcam.png", "filters-conv2d.png",
                "features-00-conv2d.png", "features-01-max_pooling2d.png", "features-02-conv2d_1.png")) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        }
        // One 84-pixel tile per map, 6-pixel gaps: 4 maps -> 6 + 4 * 90, widened to the 360-pixel minimum.
        assertEquals(366, ImageIO.read(dir.resolve("features-00-conv2d.png").toFile()).getWidth());
        assertEquals(6 + 6 * 90, ImageIO.read(dir.resolve("features-02-conv2d_1.png").toFile()).getWidth());
        String html = Files.readString(index);
        assertTrue(html.contains("conv2d_1 (Conv2D)") && html.contains("Grad-CAM") && !html.contains("src=\"features"),
                "the page names each layer and embeds every picture");
    }
}

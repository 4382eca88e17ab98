package dev.fovea.cli;

import dev.fovea.data.PngWriter;
import dev.fovea.json.Json;
import dev.fovea.json.JsonArray;
import dev.fovea.json.JsonObject;
import dev.fovea.io.ModelFile;
import dev.fovea.model.Model;
import dev.fovea.model.Presets;
import dev.fovea.tensor.Tensor;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code fovea predict} over a folder tree, end to end: nested folders, a file that is not an
 * image, a corrupt image and a hidden folder; CSV and JSON Lines rows checked against the same
 * images predicted one by one; resuming an output cut mid-row; strict mode; standard output.
 */
class PredictFolderTest {
    @TempDir static Path dir;
    static Path model;
    static Path root;
    static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat, \"long\"",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    /** The readable images below root, in walk order (relative to root). */
    static final List<String> IMAGES = List.of("a/deep/er/x3.jpg", "a/x1.png", "a/x2.png",
            "b/x4.png", "b/x5.png", "b/x6.png", "b/x7.png", "b/x8.png");

    @BeforeAll
    static void modelAndFolder() throws IOException {
        Model m = Presets.get("tiny").factory().get();
        m.seed(3).build(28, 28, 1);
        m.classNames(CLASSES);
        model = dir.resolve("tiny.fovea");
        ModelFile.save(model, m, Map.of());
        root = dir.resolve("photos");
        Random r = new Random(5);
        for (String name : IMAGES) {
            Path f = root.resolve(name);
            Files.createDirectories(f.getParent());
            if (name.endsWith(".png")) {
                float[] px = new float[28 * 28];
                for (int i = 0; i < px.length; i++) px[i] = r.nextFloat();
                PngWriter.write(Tensor.of(px, 28, 28, 1), f);
            } else {
                BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);   // resized and made gray on the way in
                for (int y = 0; y < 30; y++) for (int x = 0; x < 40; x++) img.setRGB(x, y, r.nextInt(1 << 24));
                assertTrue(ImageIO.write(img, "jpeg", f.toFile()));
            }
        }
        Files.writeString(root.resolve("b/readme.txt"), "not an image");
        Files.write(root.resolve("b/broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H'});
        Files.createDirectories(root.resolve(".thumbs"));
        Files.copy(root.resolve("a/x1.png"), root.resolve(".thumbs/x1.png"));
    }

    static FoveaRun fovea(String... args) {
        return FoveaRun.of(args);
    }

    static List<CSVRecord> csv(String text) throws IOException {
        return CSVFormat.DEFAULT.parse(new StringReader(text)).getRecords();
    }

    /** The top class of one file as the file-by-file path computes it: label and probability. */
    static JsonObject singleFileTop(String relative) {
        FoveaRun r = fovea("predict", "--model", model.toString(), "--json", root.resolve(relative).toString());
        assertEquals(0, r.code(), r.err());
        return Json.parseObject(r.out(), "predict --json").requireArray("predictions").object(0);
    }

    @Test
    void csvHasARowPerImageEqualToFileByFilePredictions() throws IOException {
        Path out = dir.resolve("r.csv");
        FoveaRun r = fovea("predict", "--model", model.toString(), root.toString(), "--output", out.toString(), "--batch-size", "3", "--top-k", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("predicted 9 images"), r.out());
        assertTrue(r.out().contains("1 errors, 1 non-image files skipped"), r.out());
        assertTrue(r.err().contains("skipped 1 file that is not an image: " + root.resolve("b/readme.txt")), r.err());
        assertTrue(r.err().contains("predict 10/10 "), "progress counts the skipped file too: " + r.err());
        List<CSVRecord> rows = csv(Files.readString(out));
        assertEquals(List.of("path", "error", "label_1", "probability_1", "label_2", "probability_2"), rows.get(0).toList());
        List<String> expectedPaths = new ArrayList<>();
        for (String i : IMAGES) expectedPaths.add(root.resolve(i).toString());
        expectedPaths.add(3, root.resolve("b/broken.png").toString());   // walk order: b/broken.png sorts before b/x4.png
        assertEquals(10, rows.size());
        for (int i = 1; i < rows.size(); i++) {
            CSVRecord row = rows.get(i);
            assertEquals(expectedPaths.get(i - 1), row.get(rows.get(0).toList().indexOf("path")));
            if (row.get(rows.get(0).toList().indexOf("path")).endsWith("broken.png")) {
                assertTrue(row.get(rows.get(0).toList().indexOf("error")).contains("PNG"), row.get(rows.get(0).toList().indexOf("error")));
                assertEquals("", row.get(rows.get(0).toList().indexOf("label_1")));
                continue;
            }
            assertEquals("", row.get(rows.get(0).toList().indexOf("error")));
            JsonObject single = singleFileTop(root.relativize(Path.of(row.get(rows.get(0).toList().indexOf("path")))).toString());
            JsonObject top = single.requireArray("top_k").object(0);
            assertEquals(top.requireString("label"), row.get(rows.get(0).toList().indexOf("label_1")), row.get(rows.get(0).toList().indexOf("path")));
            assertEquals((float) top.requireDouble("probability"), Float.parseFloat(row.get(rows.get(0).toList().indexOf("probability_1"))), 1e-6f, row.get(rows.get(0).toList().indexOf("path")));
            assertEquals(single.requireArray("top_k").object(1).requireString("label"), row.get(rows.get(0).toList().indexOf("label_2")));
        }
        assertTrue(Files.readString(out).contains("\"Coat, \"\"long\"\"\""), "a label with a comma and quotes is quoted");
    }

    @Test
    void jsonLinesCarryEveryProbabilityOnRequest() throws IOException {
        Path out = dir.resolve("r.jsonl");
        FoveaRun r = fovea("predict", "--model", model.toString(), root.toString(), "-o", out.toString(), "--all-probabilities", "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject summary = Json.parseObject(r.out(), "summary");
        assertEquals(9, summary.requireLong("images"));
        assertEquals(1, summary.requireLong("errors"));
        assertEquals(1, summary.requireLong("skipped_not_images"));
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertEquals(9, lines.size());
        int errors = 0;
        for (String line : lines) {
            JsonObject o = Json.parseObject(line, "row");
            if (o.has("error")) {
                errors++;
                assertTrue(o.requireString("path").endsWith("broken.png"));
                continue;
            }
            JsonArray p = o.requireArray("probabilities");
            assertEquals(10, p.size());
            double sum = 0;
            int best = 0;
            for (int c = 0; c < 10; c++) {
                sum += p.doubleAt(c);
                if (p.doubleAt(c) > p.doubleAt(best)) best = c;
            }
            assertEquals(1.0, sum, 1e-5);
            JsonObject top = o.requireArray("top_k").object(0);
            assertEquals(best, top.requireInt("index"));
            assertEquals(CLASSES.get(best), top.requireString("label"));
            assertEquals(p.doubleAt(best), top.requireDouble("probability"), 0);
        }
        assertEquals(1, errors);
    }

    @Test
    void resumeCompletesAnOutputCutMidRow() throws IOException {
        for (String ext : List.of("csv", "jsonl")) {
            Path full = dir.resolve("full." + ext);
            FoveaRun whole = fovea("predict", "--model", model.toString(), root.toString(), "-o", full.toString(), "--batch-size", "2");
            assertEquals(0, whole.code(), whole.err());
            byte[] expected = Files.readAllBytes(full);
            String text = new String(expected, StandardCharsets.UTF_8);
            int cut = text.indexOf('\n', text.indexOf('\n', text.indexOf('\n') + 1) + 1) + 7;   // 7 characters into the 4th line
            Path partial = dir.resolve("partial." + ext);
            Files.write(partial, java.util.Arrays.copyOf(expected, cut));
            FoveaRun resumed = fovea("predict", "--model", model.toString(), root.toString(), "-o", partial.toString(), "--batch-size", "2", "--resume");
            assertEquals(0, resumed.code(), resumed.err());
            assertTrue(resumed.err().contains("resuming after " + (ext.equals("csv") ? 2 : 3) + " rows (a last row cut short was dropped)"), resumed.err());
            assertTrue(resumed.out().contains("predicted " + (ext.equals("csv") ? 7 : 6) + " images"), resumed.out());
            assertEquals(text, Files.readString(partial), "the resumed file is the uninterrupted run's, row for row (" + ext + ")");
            FoveaRun again = fovea("predict", "--model", model.toString(), root.toString(), "-o", partial.toString(), "--resume");
            assertEquals(0, again.code(), again.err());
            assertTrue(again.out().contains("predicted 0 images"), again.out());
            assertEquals(text, Files.readString(partial), "a finished output is left as it is");
        }
        Path full = dir.resolve("full.csv");
        FoveaRun exists = fovea("predict", "--model", model.toString(), root.toString(), "-o", full.toString());
        assertEquals(1, exists.code());
        assertTrue(exists.err().strip().endsWith("exists; pass --resume to add the images it lacks, or --overwrite to replace it"), exists.err());
        FoveaRun otherColumns = fovea("predict", "--model", model.toString(), root.toString(), "-o", full.toString(), "--resume", "--top-k", "4");
        assertEquals(1, otherColumns.code());
        assertTrue(otherColumns.err().contains("are not this run's"), otherColumns.err());
        FoveaRun overwrite = fovea("predict", "--model", model.toString(), root.toString(), "-o", full.toString(), "--overwrite", "--top-k", "4");
        assertEquals(0, overwrite.code(), overwrite.err());
        assertTrue(Files.readString(full).startsWith("path,error,label_1,probability_1,label_2,probability_2,label_3,probability_3,label_4,"));
    }

    @Test
    void strictStopsAtTheFirstBadFileKeepingTheRowsBeforeIt() throws IOException {
        Path out = dir.resolve("strict.csv");
        FoveaRun r = fovea("predict", "--model", model.toString(), root.resolve("b").toString(), "-o", out.toString(), "--strict", "--batch-size", "1");
        assertEquals(1, r.code());
        String[] lines = r.err().strip().split("\n");
        String last = lines[lines.length - 1];
        assertTrue(last.startsWith("fovea: error: " + root.resolve("b/broken.png") + ": "), last);
        assertTrue(last.contains("--strict"), last);
        assertEquals(List.of("path,error,label_1,probability_1,label_2,probability_2,label_3,probability_3"), Files.readAllLines(out),
                "broken.png is the first file of b/: no row before it");
        FoveaRun notImage = fovea("predict", "--model", model.toString(), root.resolve("b/readme.txt").toString(), root.resolve("b").toString(),
                "-o", dir.resolve("strict2.csv").toString(), "--strict");
        assertEquals(1, notImage.code(), "a named file that is not an image is an error row, refused under --strict");
    }

    @Test
    void foldersWithoutOutputStreamRowsToStandardOutput() throws IOException {
        FoveaRun r = fovea("predict", "--model", model.toString(), root.resolve("a").toString());
        assertEquals(0, r.code(), r.err());
        List<CSVRecord> rows = csv(r.out());
        assertEquals(4, rows.size(), r.out());
        assertEquals("path", rows.get(0).get(0));
        FoveaRun json = fovea("predict", "--model", model.toString(), root.resolve("a").toString(), "--json");
        assertEquals(0, json.code(), json.err());
        String[] lines = json.out().strip().split("\n");
        assertEquals(3, lines.length);
        for (String l : lines) assertTrue(Json.parseObject(l, "row").has("top_k"));
    }

    @Test
    void usageErrorsAreOneLine() {
        List<String[]> cases = List.of(
                new String[] {"predict", "--model", model.toString(), root.toString(), "-o", dir.resolve("r.txt").toString()},
                new String[] {"predict", "--model", model.toString(), root.resolve("a/x1.png").toString(), "--resume"},
                new String[] {"predict", "--model", model.toString(), root.toString(), "--resume"},
                new String[] {"predict", "--model", model.toString(), root.toString(), "-o", "-", "--format", "xml"},
                new String[] {"predict", "--model", model.toString(), root.toString(), "--batch-size", "0"},
                new String[] {"predict", "--model", model.toString(), dir.resolve("nowhere").toString(), "-o", dir.resolve("n.csv").toString()});
        for (String[] args : cases) {
            FoveaRun r = fovea(args);
            String what = String.join(" ", args) + " -> " + r.err();
            assertEquals(1, r.code(), what);
            String[] lines = r.err().strip().split("\n");
            assertTrue(lines[lines.length - 1].startsWith("fovea: error: "), what);
            assertEquals(1, java.util.Arrays.stream(lines).filter(l -> l.startsWith("fovea: error: ")).count(), what);
        }
    }
}

package dev.fovea.spark;

import dev.fovea.io.ModelFile;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The spark-submit entry point, run in-process on the tests' local session. */
class SparkMainTest {
    @TempDir Path dir;

    @Test void trainsOnAFolderTreeThenPredictsItIntoParquet() throws Exception {
        LocalSpark.get("local[2]");
        for (int i = 0; i < 24; i++) {
            Path folder = Files.createDirectories(dir.resolve("train").resolve(TinyModels.CLASSES.get(i % 3)));
            TinyModels.writePng(folder.resolve(i + ".png"), i, 4);
        }
        Path start = TinyModels.saved(dir, 3);
        Path trained = dir.resolve("trained.fovea");
        SparkMain.run(new String[] {"train", "--model", start.toString(), "--images", dir.resolve("train").toString(),
                "--output", trained.toString(), "--epochs", "2", "--batch-size", "8", "--partitions", "2"});
        ModelFile.Saved saved = ModelFile.load(trained);
        assertEquals("fovea-spark", saved.provenance().get("trained_with"));
        assertEquals(List.of("bright", "dark", "striped"), saved.model().classNames(), "classes from the folder names");

        Path out = dir.resolve("predictions.parquet");
        SparkMain.run(new String[] {"predict", "--model", trained.toString(), "--images", dir.resolve("train").toString(),
                "--output", out.toString()});
        List<Row> rows = LocalSpark.get("local[2]").read().parquet(out.toString()).collectAsList();
        assertEquals(24, rows.size());
        for (Row r : rows) assertTrue(r.isNullAt(r.fieldIndex("fovea_error")));
    }

    @Test void badArgumentsAreOneLineErrors() {
        var e = assertThrows(dev.fovea.FoveaException.class, () -> SparkMain.run(new String[] {"predict", "--model"}));
        assertTrue(e.getMessage().startsWith("expected --name value"), e.getMessage());
    }
}

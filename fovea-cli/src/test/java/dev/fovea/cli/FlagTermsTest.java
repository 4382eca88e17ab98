package dev.fovea.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Library messages name the API; the CLI shows flags instead. */
class FlagTermsTest {
    @Test
    void translatesApiNamesToFlags() {
        assertEquals("x.png: images differ in size; give an image size (--image-size H,W) to resize them all",
                FlagTerms.translate("x.png: images differ in size; give an image size (DataOptions.imageSize(height, width)) to resize them all"));
        assertEquals("m.fovea: a model file, not a checkpoint (no training.json): --resume resumes from checkpoints; read a model file with --model",
                FlagTerms.translate("m.fovea: a model file, not a checkpoint (no training.json): Checkpoint.load resumes from checkpoints; read a model file with ModelFile.load"));
        assertEquals("no API name here", FlagTerms.translate("no API name here"));
    }

    /** Every API name in the table still occurs in some library source: a renamed method must not leave a dead entry. */
    @Test
    void everyTermIsStillUsedByTheLibrary() throws Exception {
        StringBuilder all = new StringBuilder();
        for (String module : new String[] {"fovea-core", "fovea-data", "fovea-onnx", "fovea-viz", "fovea-serve"}) {
            Path src = Path.of("..", module, "src", "main", "java");
            try (Stream<Path> files = Files.walk(src)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) all.append(Files.readString(f));
            }
        }
        for (String api : FlagTerms.terms().keySet()) assertTrue(all.indexOf(api) >= 0, api + " appears in no library message");
    }
}

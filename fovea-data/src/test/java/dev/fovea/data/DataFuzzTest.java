package dev.fovea.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fovea.FoveaException;
import dev.fovea.tensor.Shape;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fuzz targets for the data loaders: IDX (MNIST's format), CIFAR-10 binary batches and the image
 * decoders (PNG, JPEG, GIF, BMP). Accepting or refusing with a one-line FoveaException is fine;
 * any other exception or error escaping is a finding. {@code mvn verify} runs the committed corpus
 * ({@code src/test/resources/dev/fovea/data/DataFuzzTestInputs/TARGET/}); {@code scripts/fuzz} fuzzes.
 */
class DataFuzzTest {
    private static final Path FILE;

    static {
        try {
            FILE = Files.createTempFile("fovea-fuzz", ".bin");
            FILE.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @FuzzTest(maxDuration = "1m")
    void idx(byte[] data) {
        try {
            new IdxReader().read("fuzz.idx", new ByteArrayInputStream(data));
        } catch (FoveaException refused) {
            oneLine(refused);
        }
    }

    @FuzzTest(maxDuration = "1m")
    void cifar(byte[] data) throws IOException {
        Files.write(FILE, data);
        try {
            Cifar10.read(List.of(FILE), 10);
        } catch (FoveaException refused) {
            oneLine(refused);
        }
    }

    @FuzzTest(maxDuration = "1m")
    void image(byte[] data) {
        try {
            new ImageLoader(4_000_000).load("fuzz", data, Shape.of(28, 28, 1));
        } catch (FoveaException refused) {
            oneLine(refused);
        }
    }

    static void oneLine(FoveaException e) {
        if (e.getMessage() == null || e.getMessage().contains("\n")) throw new IllegalStateException("not a one-line error: " + e.getMessage(), e);
    }
}

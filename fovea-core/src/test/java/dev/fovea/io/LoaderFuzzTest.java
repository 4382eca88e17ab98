package dev.fovea.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fovea.FoveaException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzz targets for the core's loaders: the .fovea archive, model.json and safetensors. A loader
 * may accept its input or refuse it with a FoveaException (the one declared failure); anything
 * else escaping it (an IndexOutOfBounds, a NegativeArraySize, an OutOfMemoryError, a hang) is a
 * finding.
 *
 * <p>{@code mvn verify} runs each target on its committed corpus
 * ({@code src/test/resources/dev/fovea/io/LoaderFuzzTestInputs/TARGET/}) in seconds; {@code scripts/fuzz}
 * fuzzes them for a bounded time (JAZZER_FUZZ=1).
 */
class LoaderFuzzTest {
    private static final Path FILE;

    static {
        try {
            FILE = Files.createTempFile("fovea-fuzz", ".fovea");
            FILE.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @FuzzTest(maxDuration = "1m")
    void modelFile(byte[] data) throws IOException {
        Files.write(FILE, data);
        try {
            ModelFile.load(FILE);
        } catch (FoveaException refused) {
            oneLine(refused);
        }
    }

    @FuzzTest(maxDuration = "1m")
    void modelJson(byte[] data) {
        try {
            ModelJson.read(new String(data, StandardCharsets.UTF_8), "model.json");
        } catch (FoveaException refused) {
            oneLine(refused);
        }
    }

    @FuzzTest(maxDuration = "1m")
    void safetensors(byte[] data) throws IOException {
        try {
            Safetensors.read(data, "fuzz.safetensors");
        } catch (FoveaException refused) {
            oneLine(refused);
        }
        try {
            Safetensors.read(new ByteArrayInputStream(data), data.length, "fuzz.safetensors");
        } catch (FoveaException refused) {
            oneLine(refused);
        }
    }

    /** Errors are one line: a message with a newline (a stack trace, a dump) is a finding too. */
    static void oneLine(FoveaException e) {
        if (e.getMessage() == null || e.getMessage().contains("\n")) throw new IllegalStateException("not a one-line error: " + e.getMessage(), e);
    }
}

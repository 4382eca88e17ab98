package dev.fovea.keras;

import dev.fovea.FoveaException;
import dev.fovea.keras.imp.Keras2File;
import dev.fovea.keras.imp.Keras3Archive;
import dev.fovea.keras.imp.KerasImporter;
import dev.fovea.model.Model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Keras model import: {@code Keras.load(Path.of("model.h5"))} reads a Keras 2 / tf.keras HDF5
 * model, {@code Keras.load(Path.of("model.keras"))} a Keras 3 archive (or its unzipped folder),
 * into Fovea's own graph. The file is told by its first bytes, not its name.
 */
public final class Keras {
    private static final byte[] HDF5_MAGIC = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    private Keras() {}

    public static KerasModel load(Path file) {
        return load(file, (KerasImporter.InputShape) null);
    }

    /**
     * @param inputShape the per-example input shape in Keras's layout (e.g. 17, 23, 3), for models
     *                   whose input leaves axes free (None); null takes the model's own
     */
    public static KerasModel load(Path file, int[] inputShape) {
        return load(file, inputShape == null ? null : new KerasImporter.InputShape(inputShape, false));
    }

    /**
     * As {@link #load(Path, int[])}, the shape given as the Fovea model holds its input: (H, W, C)
     * also for a channels_first Keras model, whose Keras input is (C, H, W).
     */
    public static KerasModel loadChannelsLast(Path file, int[] inputShape) {
        return load(file, inputShape == null ? null : new KerasImporter.InputShape(inputShape, true));
    }

    private static KerasModel load(Path file, KerasImporter.InputShape inputShape) {
        long budget = (long) (Runtime.getRuntime().maxMemory() * 0.6);
        if (Files.isDirectory(file)) {
            if (!Files.isRegularFile(file.resolve("config.json"))) {
                throw new FoveaException(file + ": a folder without config.json; an unzipped .keras model holds config.json and model.weights.h5");
            }
            return Keras3Archive.load(file, inputShape, budget);
        }
        if (!Files.isRegularFile(file)) throw new FoveaException(file + ": no such file");
        byte[] head = head(file);
        if (startsWith(head, HDF5_MAGIC)) return Keras2File.load(file, inputShape, budget);
        if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) return Keras3Archive.load(file, inputShape, budget);
        throw new FoveaException(file + ": neither an HDF5 file (Keras 2 .h5) nor a zip (Keras 3 .keras)"
                + (head.length > 0 && head[0] == (byte) 0x89 ? "; an HDF5 file with a user block is not supported" : ""));
    }

    /** Just the Fovea model of {@link #load(Path)}. */
    public static Model importModel(Path file) {
        return load(file).model();
    }

    /** The Keras layer classes the importer accepts. */
    public static List<String> supportedLayers() {
        return KerasImporter.supportedLayers();
    }

    private static byte[] head(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(8);
        } catch (IOException e) {
            throw new FoveaException(file + ": cannot read (" + e.getMessage() + ")");
        }
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        if (b.length < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) if (b[i] != prefix[i]) return false;
        return true;
    }
}

package dev.fovea.io;

import dev.fovea.FoveaException;
import dev.fovea.tensor.Shape;

import java.util.Locale;

/**
 * The sizes a file may declare before Fovea allocates for it, for limits that no single format
 * owns: the model's input (one example), and the values an imported graph may compute at load
 * time (constant folding). The defaults are ones a laptop survives; each can be raised for the
 * whole JVM with a setter (or a {@code fovea.limits.*} system property) before loading.
 *
 * <p>Per-format limits live with their format: safetensors headers ({@link Safetensors}), model
 * archive entries ({@link ArchiveEntry}), image pixels ({@code ImageLoader}), the server's
 * requests ({@code ServerConfig}); docs/limits.md lists them all.
 */
public final class LoadLimits {
    /** One example of the model's input: 2^24 values (64 MiB as float32, e.g. 2048x2048x4). */
    public static final long DEFAULT_MAX_INPUT_ELEMENTS = 1L << 24;
    /**
     * Values an imported graph may compute while it loads: 2^28 (1 GiB as float32). Graphs that
     * build their weights from ConstantOfShape (the ONNX "light" VGG19 makes 143 million) must
     * fit; the 784-million-value ConstantOfShape of the red-team file must not.
     */
    public static final long DEFAULT_MAX_CONSTANT_ELEMENTS = 1L << 28;

    private static volatile long maxInputElements = property("fovea.limits.maxInputElements", DEFAULT_MAX_INPUT_ELEMENTS);
    private static volatile long maxConstantElements = property("fovea.limits.maxConstantElements", DEFAULT_MAX_CONSTANT_ELEMENTS);

    private LoadLimits() {}

    public static long maxInputElements() { return maxInputElements; }

    public static long maxConstantElements() { return maxConstantElements; }

    /** Raises (or lowers) the largest model input accepted, in values per example. */
    public static void setMaxInputElements(long n) {
        if (n < 1) throw new IllegalArgumentException("maxInputElements must be >= 1, got " + n);
        maxInputElements = n;
    }

    /** Raises (or lowers) the values an imported graph may compute at load time. */
    public static void setMaxConstantElements(long n) {
        if (n < 1) throw new IllegalArgumentException("maxConstantElements must be >= 1, got " + n);
        maxConstantElements = n;
    }

    /**
     * Refuses a model input shape (one example, without the batch axis) above the limit, before
     * anything is built for it: "FILE: the model input (40000, 40000, 1) is 1600000000 values per
     * example, above the limit of 16777216 (LoadLimits.setMaxInputElements)".
     */
    public static void checkInput(Shape perExample, String where) {
        String problem = inputProblem(perExample);
        if (problem != null) throw new FoveaException(where + ": the model input " + problem);
    }

    /** What is wrong with this model input size ("(40000, 40000, 1) is ... above the limit ..."), or null if nothing. */
    public static String inputProblem(Shape perExample) {
        long n = 1;
        for (int i = 0; i < perExample.rank(); i++) {
            n *= perExample.dim(i);
            if (n > maxInputElements || n < 0) {
                return perExample + " is " + elements(perExample) + " values per example, above the limit of "
                        + maxInputElements + " (LoadLimits.setMaxInputElements raises it)";
            }
        }
        return null;
    }

    private static String elements(Shape s) {
        java.math.BigInteger n = java.math.BigInteger.ONE;
        for (int i = 0; i < s.rank(); i++) n = n.multiply(java.math.BigInteger.valueOf(s.dim(i)));
        return n.toString();
    }

    private static long property(String key, long fallback) {
        String v = System.getProperty(key);
        if (v == null || v.isBlank()) return fallback;
        try {
            long n = Long.parseLong(v.trim().replace("_", "").toLowerCase(Locale.ROOT));
            if (n >= 1) return n;
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw new IllegalArgumentException(key + " must be a positive integer, got '" + v + "'");
    }
}

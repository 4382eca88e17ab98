package dev.fovea.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The library's messages name its API (method, argument); the command line's users know flags.
 * This table is the one place that translates: every library error and warning the CLI prints
 * passes through {@link #translate}. A library message that names an API setting the CLI exposes
 * gets an entry here (with a test in FlagTermsTest).
 */
final class FlagTerms {
    private static final Map<String, String> TERMS = new LinkedHashMap<>();

    static {
        // Longer API names first where one contains another.
        TERMS.put("DataOptions.imageSize(height, width)", "--image-size H,W");
        TERMS.put("DataOptions.strict", "--strict");
        TERMS.put("DataOptions.validationSplit", "--validation-split");
        TERMS.put("DataSources.fashionMnist(dir, classNames)", "--data DIR");
        TERMS.put("OnnxOptions.withExternalData(true)", "--allow-external-data");
        TERMS.put("OnnxOptions.withInputDims", "--input-shape");
        TERMS.put("ServerConfig.port", "--port");
        TERMS.put("ServerConfig.host", "--host");
        TERMS.put("Checkpoint.load", "--resume");
        TERMS.put("ModelFile.load", "--model");
    }

    private FlagTerms() {}

    /** The message with every API name the CLI has a flag for replaced by that flag. */
    static String translate(String message) {
        if (message == null) return null;
        String m = message;
        for (Map.Entry<String, String> e : TERMS.entrySet()) m = m.replace(e.getKey(), e.getValue());
        return m;
    }

    /** The API names translated (for tests). */
    static Map<String, String> terms() { return Map.copyOf(TERMS); }
}

package dev.fovea.cli;

import dev.fovea.data.ColorMode;
import dev.fovea.data.DataOptions;
import dev.fovea.data.DataSource;
import dev.fovea.data.DataSources;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/** How {@code --data DIR} is read when it is a folder of images (one sub-folder per class) or CIFAR-10. */
final class DataCliOptions {
    @Option(names = "--image-size", paramLabel = "H,W", description = "Resize folder images to this size (default: their own size, which must then agree).")
    String imageSize;

    @Option(names = "--color-mode", paramLabel = "MODE", description = "grayscale, rgb or auto (default: auto).")
    String colorMode;

    @Option(names = "--validation-split", paramLabel = "F", description = "Fraction of a folder without a test part held out for testing, stratified and seeded (default: 0.2).")
    Double validationSplit;

    @Option(names = "--strict", description = "Refuse unreadable or non-image files in a folder instead of skipping them with a warning.")
    boolean strict;

    @Option(names = "--cache-mb", paramLabel = "MB", description = "Memory for decoded images (default: a quarter of the heap; 0 turns the cache off).")
    Long cacheMb;

    /** The source named by spec (embedded, fashion-mnist or a directory), read with {@code options}. */
    static DataSource resolve(String spec, DataOptions options) {
        return DataSources.resolve(spec, null, options);
    }

    /** These options over the defaults: seeded split and order, warnings printed with a "fovea: warning:" prefix. */
    DataOptions options(long seed, PrintWriter warnings) {
        DataOptions o = DataOptions.defaults().seed(seed).strict(strict).warnings(w -> warnings.println("fovea: warning: " + FlagTerms.translate(w)));
        if (imageSize != null) {
            String[] p = imageSize.split(",");
            try {
                if (p.length != 2) throw new NumberFormatException();
                o = o.imageSize(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()));
            } catch (NumberFormatException e) {
                throw new CliException("--image-size must be H,W (e.g. 32,32), got \"" + imageSize + "\"");
            }
        }
        if (colorMode != null) o = o.colorMode(ColorMode.parse(colorMode));
        if (validationSplit != null) o = o.validationSplit(validationSplit);
        if (cacheMb != null) o = o.cacheBytes(cacheMb << 20);
        return o;
    }
}

package dev.fovea.cli;

import dev.fovea.data.ColorMode;
import dev.fovea.data.DataOptions;
import dev.fovea.model.Model;

import java.util.Map;

/**
 * Reads data the way a trained model takes it: images resized to its input's height and width and
 * converted to its channels (1: grayscale, 3: RGB), scaled to [0, 1] as in training; a folder
 * without a test part is split with the seed and fraction its training run recorded, so evaluate
 * sees the same held-out images train did. Mean/std normalisation is a layer inside the model
 * ({@code train --normalize}), so it needs nothing here.
 */
final class ModelInput {
    private ModelInput() {}

    /** The seed a model file's provenance records (42, train's default, when it records none). */
    static long seed(Map<String, Object> provenance) {
        return provenance.get("seed") instanceof Number n ? n.longValue() : 42L;
    }

    /**
     * {@code options} with the model's image size and colour mode where the command line left
     * them open ({@code cli}), and the recorded validation split unless --validation-split is given.
     */
    static DataOptions fit(DataOptions options, Model model, Map<String, Object> provenance, DataCliOptions cli) {
        var in = model.inputShape();
        // Only a channels-last image input (H, W, 1 or 3) says how to read images; other inputs
        // (an imported graph's (C, H, W), say) leave the folder's own size and colour.
        if (in.rank() == 3 && (in.dim(2) == 1 || in.dim(2) == 3)) {
            if (cli.imageSize == null) options = options.imageSize(in.dim(0), in.dim(1));
            if (cli.colorMode == null) options = options.colorMode(in.dim(2) == 1 ? ColorMode.GRAYSCALE : ColorMode.RGB);
        }
        if (cli.validationSplit == null && provenance.get("validation_split") instanceof Number f) {
            options = options.validationSplit(f.doubleValue());
        }
        return options;
    }
}

package dev.fovea.data;

import dev.fovea.tensor.Tensor;

/**
 * An image converted for a model.
 *
 * @param image       (H, W, C), values in [0, 1]
 * @param description what was done, for the user: "photo.jpg: JPEG 640x480 RGB -> 28x28 grayscale
 *                    (resized by area averaging, aspect 1.33 stretched to 1.00, luminance BT.601)"
 */
public record LoadedImage(Tensor image, String description) {}

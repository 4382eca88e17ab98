package dev.fovea.keras.imp;

import dev.fovea.keras.imp.ModelSpec.LayerSpec;

import java.util.List;

/** Where a file keeps each layer's weights; a model nested as a layer has its own view of them. */
interface WeightSource {
    /** The layer's stored weights, in Keras's order (trainable ones, then the others, each in creation order). */
    List<KerasWeight> of(LayerSpec layer);

    /** The weights of the layers of {@code inner}, the model that {@code model} (a layer of this source's model) holds. */
    WeightSource nested(LayerSpec model, ModelSpec inner);
}

package dev.fovea.keras.imp;

/** Converts one call of a Keras layer into Fovea nodes; returns the value of its output. */
@FunctionalInterface
interface Converter {
    GraphBuilder.Value convert(Call call);
}

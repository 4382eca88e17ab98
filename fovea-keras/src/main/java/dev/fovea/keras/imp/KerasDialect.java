package dev.fovea.keras.imp;

/**
 * What the file says about the Keras that wrote it, where semantics differ between versions:
 * Keras 3 changed hard_sigmoid (x/6 + 1/2 instead of 0.2x + 1/2), and Keras 2 flips convolution
 * kernels saved under the Theano backend when it loads them into TensorFlow.
 *
 * @param version the keras_version attribute or metadata entry ("2.3.1", "3.6.0"), or "unknown"
 * @param backend "tensorflow", "theano", "jax", ... or "unknown"
 */
public record KerasDialect(String version, String backend) {
    /** The major version, 2 when it cannot be read (a Keras 2 HDF5 file without the attribute). */
    public int major() {
        int dot = version.indexOf('.');
        try {
            return Integer.parseInt(dot < 0 ? version : version.substring(0, dot));
        } catch (NumberFormatException e) {
            return 2;
        }
    }

    public boolean theano() { return "theano".equals(backend); }
}

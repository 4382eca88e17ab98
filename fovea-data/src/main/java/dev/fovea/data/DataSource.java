package dev.fovea.data;

/**
 * Somewhere a training and test set can be loaded from. Creating one (see {@link DataSources})
 * checks that its files are there; {@link #load()} reads and validates them.
 */
public interface DataSource {
    /** One line for logs and model provenance, e.g. "Fashion-MNIST in /usr/share/datasets/fashion-mnist". */
    String description();

    TrainTest load();
}

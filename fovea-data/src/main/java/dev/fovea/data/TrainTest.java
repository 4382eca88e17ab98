package dev.fovea.data;

import dev.fovea.FoveaException;

import java.util.Objects;

/**
 * A training set and the held-out set it is evaluated on. They must agree on the image shape
 * and the class names, or a model trained on one could not be scored on the other.
 */
public record TrainTest(Dataset train, Dataset test) {
    public TrainTest {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
        if (!train.imageShape().equals(test.imageShape())) {
            throw new FoveaException("training images are " + train.imageShape() + " but test images are "
                    + test.imageShape() + "; both splits must have the same image shape");
        }
        if (!train.classNames().equals(test.classNames())) {
            throw new FoveaException("training and test sets have different class names: "
                    + train.classNames() + " vs " + test.classNames());
        }
    }
}

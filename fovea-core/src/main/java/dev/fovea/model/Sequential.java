package dev.fovea.model;

import dev.fovea.nn.Layer;

import java.util.List;

/**
 * A plain stack of layers, each reading the one before, as Keras's Sequential:
 * <pre>{@code
 * Sequential model = Sequential.of(
 *     new Conv2D(32, 3, "relu"), new MaxPool2D(2, 2), ..., new Dense(10, "softmax"));
 * model.build(28, 28, 1);
 * }</pre>
 */
public final class Sequential extends Model {
    public Sequential() {
        super("sequential");
    }

    public Sequential(String name) {
        super(name);
    }

    public static Sequential of(Layer... layers) {
        Sequential s = new Sequential();
        for (Layer l : layers) s.add(l);
        return s;
    }

    public static Sequential of(List<Layer> layers) {
        return of(layers.toArray(Layer[]::new));
    }

    @Override public Sequential seed(long newSeed) {
        super.seed(newSeed);
        return this;
    }

    /** Appends a layer reading the previous one (or the model input, for the first). */
    public Sequential add(Layer layer) {
        addNode(layer, nodes().size() - 1);
        return this;
    }
}

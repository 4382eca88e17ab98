package dev.fovea.data;

import dev.fovea.FoveaException;
import dev.fovea.data.pipeline.Examples;
import dev.fovea.tensor.Shape;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.List;

/**
 * IDX files (MNIST layout) as pipelines over their 8-bit values: a quarter of the memory of the
 * float tensors {@link IdxSource#load()} makes, and the same floats (v / 255) batch by batch.
 * Class names are decided as {@link IdxSource} decides them.
 */
final class IdxStreams {
    private IdxStreams() {}

    static Streams open(IdxSource src, DataOptions options) {
        IdxReader reader = new IdxReader();
        IdxArray trainY = read(reader, src.trainLabels()), testY = read(reader, src.testLabels());
        List<String> names = src.classNames() != null ? src.classNames()
                : FashionMnist.isOfficialLabels(trainY) || FashionMnist.isOfficialLabels(testY) ? FashionMnist.CLASS_NAMES : IdxSource.DIGITS;
        Examples train = examples(read(reader, src.trainImages()), trainY, names);
        Examples test = examples(read(reader, src.testImages()), testY, names);
        if (!train.exampleShape().equals(test.exampleShape())) {
            throw new FoveaException("training images are " + train.exampleShape() + " but test images are " + test.exampleShape()
                    + "; both splits must have the same image shape");
        }
        return new Streams(options.pipeline(train), options.pipeline(test).withoutAugmentation(), names, src.description());
    }

    private static Examples examples(IdxArray images, IdxArray labels, List<String> names) {
        IdxDatasets.checkLabels(labels, names);
        if (images.rank() != 3 && images.rank() != 4) {
            throw new FoveaException(images.source() + ": images must be (N, H, W) or (N, H, W, C), got " + images.shapeText());
        }
        if (images.dim(0) != labels.dim(0)) {
            throw new FoveaException(images.source() + " holds " + images.dim(0) + " images but " + labels.source()
                    + " holds " + labels.dim(0) + " labels; they must be the same length");
        }
        Shape shape = Shape.of(images.dim(1), images.dim(2), images.rank() == 4 ? images.dim(3) : 1);
        byte[] lb = labels.values();
        int[] y = new int[lb.length];
        for (int i = 0; i < y.length; i++) y[i] = lb[i] & 0xFF;
        return Examples.ofBytes(images.values(), shape, y, images.source());
    }

    private static IdxArray read(IdxReader reader, IdxSource.Input input) {
        try (InputStream in = input.opener().open()) {
            return reader.read(input.name(), in);
        } catch (NoSuchFileException e) {
            throw new FoveaException(input.name() + ": no such file");
        } catch (IOException e) {
            throw new FoveaException(input.name() + ": cannot read (" + Errors.detail(e) + ")", e);
        }
    }
}

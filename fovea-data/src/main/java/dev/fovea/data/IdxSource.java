package dev.fovea.data;

import dev.fovea.FoveaException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Four IDX files in the MNIST layout: training images and labels, test images and labels.
 * Where they come from (a folder, the classpath) is up to the {@link Input}s.
 *
 * @param classNames the name of each label, or null to use Fashion-MNIST's names when the
 *                   labels are the official Fashion-MNIST ones and the digits 0-9 otherwise
 */
record IdxSource(String description, Input trainImages, Input trainLabels, Input testImages, Input testLabels,
                 List<String> classNames) implements DataSource {

    /** The digits, MNIST's classes: the default for IDX files that are not Fashion-MNIST. */
    static final List<String> DIGITS = IntStream.range(0, 10).mapToObj(Integer::toString).toList();

    /** One file: a name for messages and a way to open it. */
    record Input(String name, Opener opener) {}

    @FunctionalInterface
    interface Opener {
        InputStream open() throws IOException;
    }

    @Override
    public TrainTest load() {
        IdxReader reader = new IdxReader();
        // Labels first: they are small, and they decide the class names.
        IdxArray trainY = read(reader, trainLabels);
        IdxArray testY = read(reader, testLabels);
        List<String> names = classNames != null ? classNames
                : FashionMnist.isOfficialLabels(trainY) || FashionMnist.isOfficialLabels(testY)
                        ? FashionMnist.CLASS_NAMES : DIGITS;
        IdxDatasets.checkLabels(trainY, names);
        IdxDatasets.checkLabels(testY, names);
        Dataset train = IdxDatasets.of(read(reader, trainImages), trainY, names);
        Dataset test = IdxDatasets.of(read(reader, testImages), testY, names);
        return new TrainTest(train, test);
    }

    private static IdxArray read(IdxReader reader, Input input) {
        try (InputStream in = input.opener().open()) {
            return reader.read(input.name(), in);
        } catch (NoSuchFileException e) {
            throw new FoveaException(input.name() + ": no such file");
        } catch (IOException e) {
            throw new FoveaException(input.name() + ": cannot read (" + Errors.detail(e) + ")", e);
        }
    }
}

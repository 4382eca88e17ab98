package dev.fovea.data;

import dev.fovea.data.pipeline.StreamingData;
import dev.fovea.train.InMemoryData;

import java.util.List;

/**
 * The parts of a data source as pipelines: train with the pipeline's augmentation (if any), test
 * without. Close it to stop the background workers.
 *
 * @param train       what {@code Trainer.fit(TrainingData, ...)} draws batches from
 * @param test        held-out examples: a test folder or file, or the validation split
 * @param classNames  the name of each label
 * @param description one line for logs and provenance
 */
public record Streams(StreamingData train, StreamingData test, List<String> classNames, String description) implements AutoCloseable {
    public Streams {
        classNames = List.copyOf(classNames);
    }

    /** The test part decoded whole: what {@code FitOptions.validationData} and {@code evaluate} take today. */
    public InMemoryData testInMemory() {
        return test.materialize();
    }

    @Override public void close() {
        train.close();
        test.close();
    }
}

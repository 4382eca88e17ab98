package dev.fovea.data;

/**
 * A data source that can also be read as pipelines: decoded in the background batch by batch
 * instead of loaded whole ({@link DataSource#load()}). {@link DataSources#open} gives pipelines
 * for any source.
 */
public interface StreamingSource extends DataSource {
    /** The training and test parts as pipelines, with the options' decoding, caching and workers. */
    Streams open();
}

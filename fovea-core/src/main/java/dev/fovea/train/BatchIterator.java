package dev.fovea.train;

/** The batches of one epoch, in order. Close it to stop background work early. */
public interface BatchIterator extends AutoCloseable {
    /** The next batch, or null when the epoch is over. */
    Batch next();

    @Override void close();
}

package dev.fovea.io;

import java.io.IOException;

/** A consumer that may fail with an IOException, e.g. the body that writes a file. */
@FunctionalInterface
public interface IOConsumer<T> {
    void accept(T value) throws IOException;
}

package dev.fovea.io;

import dev.fovea.FoveaException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The one check every loader makes before it opens a path: it must be a regular file. Opening a
 * named pipe blocks until some process writes to it (forever, for a pipe no one feeds), and a
 * device such as /dev/zero or /dev/urandom never ends; neither is a model, an image or a data set.
 */
public final class InputFiles {
    private InputFiles() {}

    /**
     * Returns {@code file} if it is a regular file (symbolic links followed), else throws a
     * one-line FoveaException naming it and what it is.
     */
    public static Path requireRegular(Path file) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new FoveaException(file + ": no such file");
        } catch (IOException e) {
            throw new FoveaException(file + ": cannot read (" + AtomicFiles.reason(e) + ")", e);
        }
        if (a.isRegularFile()) return file;
        String what = a.isDirectory() ? "a directory" : a.isOther() ? "a named pipe, socket or device" : "not a regular file";
        throw new FoveaException(file + ": is " + what + "; Fovea reads models, images and data sets only from regular files");
    }
}

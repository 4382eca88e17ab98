package dev.fovea.data;

import dev.fovea.FoveaException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the CIFAR-10 binary version (Krizhevsky, "Learning Multiple Layers of Features from Tiny
 * Images", 2009; https://www.cs.toronto.edu/~kriz/cifar.html): files of 3073-byte records, one
 * label byte then 3072 pixel bytes, the 1024 red values of a 32x32 image row by row, then the
 * green, then the blue. Records are converted to channels-last (32, 32, 3) bytes as they are read.
 *
 * <p>Files are hostile: the size must be a whole, non-zero number of records (checked before
 * reading, and the bytes actually read must match it), at most {@link #MAX_RECORDS} of them, and
 * every label must name a class.
 */
public final class Cifar10 {
    public static final int SIDE = 32, CHANNELS = 3, PLANE = SIDE * SIDE, PIXELS = PLANE * CHANNELS, RECORD = 1 + PIXELS;
    /** Five times a CIFAR-10 training batch: far more than any real file, far less than the heap. */
    public static final int MAX_RECORDS = 50_000;

    /** The class of each label, as batches.meta.txt lists them. */
    public static final List<String> CLASS_NAMES = List.of(
            "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

    /** The records of one or more files: pixels (N, 32, 32, 3) as bytes, labels (N). */
    public record Records(byte[] pixels, int[] labels) {
        public int size() { return labels.length; }
    }

    private Cifar10() {}

    /** Reads the files in order into one set of records; labels must be below classes. */
    public static Records read(List<Path> files, int classes) {
        long total = 0;
        long[] sizes = new long[files.size()];
        for (int f = 0; f < files.size(); f++) {
            sizes[f] = size(files.get(f));
            total += sizes[f] / RECORD;
        }
        if (total * PIXELS > Integer.MAX_VALUE - 8) {
            throw new FoveaException(files + ": " + total + " records are more than one array holds");
        }
        byte[] pixels = new byte[(int) total * PIXELS];
        int[] labels = new int[(int) total];
        int at = 0;
        for (int f = 0; f < files.size(); f++) at = readInto(files.get(f), sizes[f], classes, pixels, labels, at);
        return new Records(pixels, labels);
    }

    private static long size(Path file) {
        dev.fovea.io.InputFiles.requireRegular(file);
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new FoveaException(file + ": no such file");
        } catch (IOException e) {
            throw new FoveaException(file + ": cannot read (" + Errors.detail(e) + ")", e);
        }
        if (size == 0 || size % RECORD != 0) {
            throw new FoveaException(file + ": " + size + " bytes is not a whole number of CIFAR-10 records (3073 bytes each:"
                    + " a label byte and 32x32x3 pixel bytes); the file is truncated or not CIFAR-10 binary"
                    + (size % 3074 == 0 && size > 0 ? " (CIFAR-100 binary, with 3074-byte records, is not supported)" : ""));
        }
        if (size / RECORD > MAX_RECORDS) {
            throw new FoveaException(file + ": " + size / RECORD + " records is more than the " + MAX_RECORDS
                    + " a CIFAR-10 batch file can hold (10000 each)");
        }
        return size;
    }

    private static int readInto(Path file, long size, int classes, byte[] pixels, int[] labels, int at) {
        byte[] rec = new byte[RECORD];
        long records = size / RECORD;
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            for (long r = 0; r < records; r++, at++) {
                int got = in.readNBytes(rec, 0, RECORD);
                if (got < RECORD) {
                    throw new FoveaException(file + ": ended after " + (r * RECORD + got) + " of " + size + " bytes (changed while read?)");
                }
                int label = rec[0] & 0xFF;
                if (label >= classes) {
                    throw new FoveaException(file + ": record " + r + " has label " + label + ", outside 0.." + (classes - 1)
                            + " (" + classes + " classes)");
                }
                labels[at] = label;
                int base = at * PIXELS;
                for (int p = 0; p < PLANE; p++) {   // planes R, G, B -> interleaved (H, W, C)
                    pixels[base + 3 * p] = rec[1 + p];
                    pixels[base + 3 * p + 1] = rec[1 + PLANE + p];
                    pixels[base + 3 * p + 2] = rec[1 + 2 * PLANE + p];
                }
            }
            if (in.read() != -1) throw new FoveaException(file + ": grew beyond its " + size + " bytes while read");
        } catch (IOException e) {
            throw new FoveaException(file + ": cannot read (" + Errors.detail(e) + ")", e);
        }
        return at;
    }

    /**
     * Class names from batches.meta.txt: one per non-blank line, trimmed. At most 256 names of at
     * most 200 characters, UTF-8, or the file is refused.
     */
    public static List<String> readClassNames(Path file) {
        byte[] bytes;
        try {
            dev.fovea.io.InputFiles.requireRegular(file);
            if (Files.size(file) > 64 * 1024) throw new FoveaException(file + ": " + Files.size(file) + " bytes is too large for a list of class names");
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new FoveaException(file + ": cannot read (" + Errors.detail(e) + ")", e);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new FoveaException(file + ": not UTF-8 text; it should list one class name per line");
        }
        List<String> names = new ArrayList<>();
        for (String line : text.split("\r?\n")) {
            String t = line.strip();
            if (t.isEmpty()) continue;
            if (t.length() > 200 || names.size() == 256) {
                throw new FoveaException(file + ": not a list of class names (a name over 200 characters, or more than 256 names)");
            }
            names.add(t);
        }
        if (names.isEmpty()) throw new FoveaException(file + ": lists no class names");
        return List.copyOf(names);
    }
}

package dev.fovea.io;

import java.util.Optional;

/**
 * The allow-list of entries a {@code .fovea} archive may hold, in the order they are written.
 * Anything else in an archive is refused on reading, so a new kind of entry is added here (and
 * readers older than it refuse files that carry it, rather than silently dropping it).
 *
 * <p>Caps bound what a reader will inflate; writers refuse to save beyond them, so every file
 * Fovea writes, Fovea reads back.
 */
public enum ArchiveEntry {
    /** Format version, architecture, class names, preprocessing, provenance. */
    MODEL_JSON("model.json", Kind.JSON, true, 16L << 20),
    /** The trained parameters. */
    WEIGHTS("weights.safetensors", Kind.TENSORS, true, 2L << 30),
    /** Checkpoints only: optimizer state (moments, step counts), up to twice the weights for Adam. */
    OPTIMIZER("optimizer.safetensors", Kind.TENSORS, false, 4L << 30),
    /** Checkpoints only: RNG state, data cursor, epoch, history. */
    TRAINING_JSON("training.json", Kind.JSON, false, 16L << 20);

    /** How an entry's bytes are interpreted. */
    public enum Kind {
        /** UTF-8 JSON text, returned as a String. */
        JSON,
        /** A safetensors file, returned as a {@link TensorFile}. */
        TENSORS
    }

    private final String fileName;
    private final Kind kind;
    private final boolean required;
    private final long maxBytes;

    ArchiveEntry(String fileName, Kind kind, boolean required, long maxBytes) {
        this.fileName = fileName;
        this.kind = kind;
        this.required = required;
        this.maxBytes = maxBytes;
    }

    /** The name inside the zip, e.g. "model.json". */
    public String fileName() { return fileName; }
    public Kind kind() { return kind; }
    /** Whether every model file must have it. */
    public boolean required() { return required; }
    /** The largest uncompressed size read or written. */
    public long maxBytes() { return maxBytes; }

    /** The entry with this exact zip name, if it is on the list. */
    public static Optional<ArchiveEntry> named(String name) {
        for (ArchiveEntry e : values()) if (e.fileName.equals(name)) return Optional.of(e);
        return Optional.empty();
    }

    /** "model.json, weights.safetensors, ..." for error messages. */
    static String allNames() {
        StringBuilder sb = new StringBuilder();
        for (ArchiveEntry e : values()) sb.append(sb.isEmpty() ? "" : ", ").append(e.fileName);
        return sb.toString();
    }
}

package dev.fovea.io;

import dev.fovea.json.Json;
import dev.fovea.tensor.Tensor;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a {@code .fovea} archive holds: model.json text and the weights, plus optional entries
 * from the {@link ArchiveEntry} allow-list. Immutable; {@code with} returns a copy. JSON entries
 * are kept as text because the model layer, not the storage layer, knows what they mean.
 */
public final class ArchiveContents {
    /** String for JSON entries, TensorFile for tensor entries. */
    private final Map<ArchiveEntry, Object> entries;
    private final String source;

    private ArchiveContents(Map<ArchiveEntry, Object> entries, String source) {
        this.entries = entries;
        this.source = source;
    }

    /** A model file's two required entries. */
    public static ArchiveContents of(String modelJson, TensorFile weights) {
        Map<ArchiveEntry, Object> m = new EnumMap<>(ArchiveEntry.class);
        m.put(ArchiveEntry.MODEL_JSON, Objects.requireNonNull(modelJson, "modelJson"));
        m.put(ArchiveEntry.WEIGHTS, Objects.requireNonNull(weights, "weights"));
        return new ArchiveContents(m, null);
    }

    public static ArchiveContents of(String modelJson, Map<String, Tensor> weights) {
        return of(modelJson, TensorFile.of(weights));
    }

    /** Contents read from {@code source}, which {@link #where} then names. */
    static ArchiveContents fromFile(Map<ArchiveEntry, Object> entries, String source) {
        return new ArchiveContents(new EnumMap<>(entries), source);
    }

    /** A copy with a JSON entry set (e.g. {@link ArchiveEntry#TRAINING_JSON}). */
    public ArchiveContents with(ArchiveEntry entry, String json) {
        return put(entry, ArchiveEntry.Kind.JSON, Objects.requireNonNull(json, "json"));
    }

    /** A copy with a tensor entry set (e.g. {@link ArchiveEntry#OPTIMIZER}). */
    public ArchiveContents with(ArchiveEntry entry, TensorFile tensors) {
        return put(entry, ArchiveEntry.Kind.TENSORS, Objects.requireNonNull(tensors, "tensors"));
    }

    /** A copy without an optional entry. */
    public ArchiveContents without(ArchiveEntry entry) {
        if (entry.required()) throw new IllegalArgumentException(entry.fileName() + " is required and cannot be removed");
        Map<ArchiveEntry, Object> m = new EnumMap<>(entries);
        m.remove(entry);
        return new ArchiveContents(m, source);
    }

    private ArchiveContents put(ArchiveEntry entry, ArchiveEntry.Kind kind, Object value) {
        if (entry.kind() != kind) {
            throw new IllegalArgumentException(entry.fileName() + " holds " + entry.kind() + ", not " + kind);
        }
        Map<ArchiveEntry, Object> m = new EnumMap<>(entries);
        m.put(entry, value);
        return new ArchiveContents(m, source);
    }

    public String modelJson() { return (String) entries.get(ArchiveEntry.MODEL_JSON); }

    /** The weights in file order. */
    public Map<String, Tensor> weights() { return weightsFile().tensors(); }

    /** The weights with their safetensors metadata. */
    public TensorFile weightsFile() { return (TensorFile) entries.get(ArchiveEntry.WEIGHTS); }

    public Optional<String> json(ArchiveEntry entry) {
        return Optional.ofNullable(entries.get(entry)).filter(String.class::isInstance).map(String.class::cast);
    }

    public Optional<TensorFile> tensors(ArchiveEntry entry) {
        return Optional.ofNullable(entries.get(entry)).filter(TensorFile.class::isInstance).map(TensorFile.class::cast);
    }

    /** The entries present, in write order. */
    public Set<ArchiveEntry> entries() { return Collections.unmodifiableSet(entries.keySet()); }

    Object raw(ArchiveEntry entry) { return entries.get(entry); }

    /**
     * How to name an entry in errors: "models/cnn.fovea: model.json" for contents read from a file,
     * plain "model.json" otherwise. Pass it as {@code where} when parsing:
     * {@code Json.parseObject(c.modelJson(), c.where(ArchiveEntry.MODEL_JSON))}.
     */
    public String where(ArchiveEntry entry) {
        return source == null ? entry.fileName() : source + ": " + entry.fileName();
    }
}

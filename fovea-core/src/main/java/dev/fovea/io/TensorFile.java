package dev.fovea.io;

import dev.fovea.tensor.Tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The contents of a safetensors file: named tensors in file order and the optional string-to-string
 * {@code __metadata__}. The maps are unmodifiable ordered copies; the tensors themselves are shared,
 * not copied.
 */
public record TensorFile(Map<String, Tensor> tensors, Map<String, String> metadata) {
    public TensorFile {
        tensors = orderedCopy(tensors, "tensor");
        metadata = orderedCopy(metadata, "metadata");
    }

    /** Tensors without metadata. */
    public static TensorFile of(Map<String, Tensor> tensors) {
        return new TensorFile(tensors, Map.of());
    }

    /** The named tensor, or null. */
    public Tensor get(String name) {
        return tensors.get(name);
    }

    private static <V> Map<String, V> orderedCopy(Map<String, V> m, String what) {
        Objects.requireNonNull(m, what + "s");
        Map<String, V> copy = new LinkedHashMap<>(m.size() * 2);
        m.forEach((k, v) -> copy.put(Objects.requireNonNull(k, what + " name"), Objects.requireNonNull(v, what + " " + k)));
        return Collections.unmodifiableMap(copy);
    }
}

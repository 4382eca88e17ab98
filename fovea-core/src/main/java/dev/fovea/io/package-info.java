/**
 * Storage for the {@code .fovea} model file, in layers that each do one job:
 * JSON reading and writing ({@link dev.fovea.json}, below this package);
 * {@link dev.fovea.io.Safetensors} (named float32 tensors);
 * {@link dev.fovea.io.ModelArchive} (the zip that holds them, entries from
 * {@link dev.fovea.io.ArchiveEntry}); {@link dev.fovea.io.AtomicFiles} (saving without ever
 * damaging what was there). Every reader treats its input as hostile and fails with a one-line
 * {@link dev.fovea.FoveaException} naming the file, the place in it, and what is accepted.
 */
package dev.fovea.io;

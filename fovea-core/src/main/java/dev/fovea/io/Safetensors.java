package dev.fovea.io;

import dev.fovea.json.Json;
import dev.fovea.json.Text;
import dev.fovea.FoveaException;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
 * unsigned header length N, N bytes of UTF-8 JSON mapping each tensor name to its dtype, shape
 * and [begin, end) byte offsets into the data buffer, an optional {@code __metadata__} object of
 * strings, then the data buffer of raw little-endian values.
 *
 * <p>Fovea writes F32 only, tensors in map order both in the header and in the buffer, metadata
 * first, and pads the header with spaces to a multiple of 8 bytes as the reference implementation
 * does, so the data stays aligned. Output is a pure function of the input: the same tensors give
 * the same bytes.
 *
 * <p>Reading is strict and treats the file as hostile (see {@link SafetensorsHeader}): the header
 * length is checked against {@link #MAX_HEADER_BYTES} and the bytes actually present, every entry
 * must be F32 with a shape matching its byte range, and the ranges must tile the data buffer with
 * no overlap and no hole. Tensors come back in data-offset order, which for files Fovea wrote is
 * the order they were written in. Float bits are copied raw, so NaN payloads, -0.0 and subnormals
 * survive a round trip.
 */
public final class Safetensors {
    /** The reference implementation's limit too: no real header comes near it, hostile ones do. */
    public static final long MAX_HEADER_BYTES = 100L << 20;

    private static final int CHUNK_BYTES = 1 << 16;
    /** A stream read never allocates more than this ahead of the bytes that actually arrived. */
    private static final int FIRST_ALLOCATION_FLOATS = 1 << 20;

    private Safetensors() {}

    // ---------------------------------------------------------------- writing

    /** Writes tensors without metadata. */
    public static void write(OutputStream out, Map<String, Tensor> tensors) throws IOException {
        write(out, TensorFile.of(tensors));
    }

    /** Writes the file to {@code out} (not closed). */
    public static void write(OutputStream out, TensorFile file) throws IOException {
        out.write(header(file));
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (Tensor t : file.tensors().values()) {
            float[] data = t.data();
            for (int i = 0; i < data.length; ) {
                int n = Math.min(CHUNK_BYTES / Float.BYTES, data.length - i);
                chunk.clear();
                // Raw bits through an int view: no NaN canonicalization on the way out.
                for (int j = 0; j < n; j++) chunk.putInt(j * Float.BYTES, Float.floatToRawIntBits(data[i + j]));
                out.write(chunk.array(), 0, n * Float.BYTES);
                i += n;
            }
        }
    }

    /** The whole file in memory; for small files and tests. */
    public static byte[] toBytes(TensorFile file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(out, file);
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
        return out.toByteArray();
    }

    /** Exact size of the written file in bytes, without writing it. */
    public static long byteSize(TensorFile file) {
        long n = header(file).length;
        for (Tensor t : file.tensors().values()) n += (long) t.size() * Float.BYTES;
        return n;
    }

    /** Saves atomically (see {@link AtomicFiles}); errors are one-line FoveaExceptions naming the file. */
    public static void save(Path target, TensorFile file) {
        try {
            AtomicFiles.write(target, out -> write(out, file));
        } catch (IOException e) {
            throw new FoveaException(target + ": cannot save (" + AtomicFiles.reason(e) + "); any previous file is unchanged", e);
        }
    }

    /** The 8-byte length and the space-padded JSON header. */
    private static byte[] header(TensorFile file) {
        Map<String, Object> header = new LinkedHashMap<>();
        if (!file.metadata().isEmpty()) header.put(SafetensorsHeader.METADATA_KEY, file.metadata());
        long offset = 0;
        for (Map.Entry<String, Tensor> e : file.tensors().entrySet()) {
            if (e.getKey().equals(SafetensorsHeader.METADATA_KEY)) {
                throw new FoveaException("cannot save a tensor named " + SafetensorsHeader.METADATA_KEY
                        + ": the safetensors format reserves that name for metadata");
            }
            long bytes = (long) e.getValue().size() * Float.BYTES;
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", SafetensorsHeader.F32);
            entry.put("shape", e.getValue().shape().toArray());
            entry.put("data_offsets", List.of(offset, offset + bytes));
            header.put(e.getKey(), entry);
            offset += bytes;
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) & ~7;
        if (padded > MAX_HEADER_BYTES) {
            throw new FoveaException("cannot save " + file.tensors().size() + " tensors: their safetensors header would be "
                    + padded + " bytes, over the " + Text.bytes(MAX_HEADER_BYTES) + " that readers accept");
        }
        byte[] out = new byte[8 + padded];
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
        System.arraycopy(json, 0, out, 8, json.length);
        Arrays.fill(out, 8 + json.length, out.length, (byte) ' ');
        return out;
    }

    // ---------------------------------------------------------------- reading

    /** Reads a whole file held in memory; {@code where} names it in errors. */
    public static TensorFile read(byte[] bytes, String where) {
        long headerLength = headerLength(bytes, bytes.length, where);
        int dataStart = 8 + (int) headerLength;
        SafetensorsHeader header = SafetensorsHeader.parse(
                Arrays.copyOfRange(bytes, 8, dataStart), bytes.length - (long) dataStart, where);
        ByteBuffer data = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (SafetensorsHeader.Entry e : header.entries()) {
            float[] values = new float[e.elements()];
            data.position(dataStart + (int) e.begin()).slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            tensors.put(e.name(), new Tensor(Shape.of(e.shape()), values));
        }
        return new TensorFile(tensors, header.metadata());
    }

    /**
     * Reads a file of {@code length} bytes from a stream, consuming exactly that many bytes and
     * leaving the stream open. The length may come from an untrusted source such as a zip entry
     * header: memory is allocated only as bytes actually arrive, so a lie costs an error, not an
     * OutOfMemoryError. A stream that ends early is a FoveaException ("truncated"); I/O failures
     * of the stream itself propagate as IOException.
     */
    public static TensorFile read(InputStream in, long length, String where) throws IOException {
        if (length < 0) throw new IllegalArgumentException("negative length " + length);
        byte[] prefix = in.readNBytes(8);
        long headerLength = headerLength(prefix, length, where);
        // readNBytes(int) grows its buffer as data arrives rather than trusting the count.
        byte[] headerBytes = in.readNBytes((int) headerLength);
        if (headerBytes.length < headerLength) {
            throw new FoveaException(where + ": truncated: the file ends inside its " + headerLength + "-byte header");
        }
        SafetensorsHeader header = SafetensorsHeader.parse(headerBytes, length - 8 - headerLength, where);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        byte[] chunk = new byte[CHUNK_BYTES];
        // The header check proved the entries tile the buffer in this order, so a sequential read
        // lands each one at its offset.
        for (SafetensorsHeader.Entry e : header.entries()) {
            tensors.put(e.name(), new Tensor(Shape.of(e.shape()), readFloats(in, e, chunk, where)));
        }
        return new TensorFile(tensors, header.metadata());
    }

    /** Loads a file from disk, streaming it (the data is not held twice). */
    public static TensorFile load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, Files.size(file), file.toString());
        } catch (NoSuchFileException e) {
            throw new FoveaException(file + ": no such file");
        } catch (IOException e) {
            throw new FoveaException(file + ": cannot read (" + AtomicFiles.reason(e) + ")", e);
        }
    }

    /** Validates the 8-byte prefix against the bytes that are really there. */
    private static long headerLength(byte[] bytes, long available, String where) {
        if (bytes.length < 8 || available < 8) {
            throw new FoveaException(where + ": not a safetensors file (" + Math.min(bytes.length, available)
                    + " bytes, shorter than the 8-byte header length)");
        }
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        // Unsigned compare: a length with the top bit set is huge, not negative.
        if (Long.compareUnsigned(n, MAX_HEADER_BYTES) > 0) {
            throw new FoveaException(where + ": header length " + Long.toUnsignedString(n) + " is over the "
                    + Text.bytes(MAX_HEADER_BYTES) + " limit (corrupt, or not a safetensors file)");
        }
        if (n > available - 8) {
            throw new FoveaException(where + ": header length " + n + " runs past the end of the " + available + "-byte file");
        }
        return n;
    }

    private static float[] readFloats(InputStream in, SafetensorsHeader.Entry e, byte[] chunk, String where) throws IOException {
        int count = e.elements();
        float[] out = new float[Math.min(count, FIRST_ALLOCATION_FLOATS)];
        int filled = 0;
        while (filled < count) {
            int n = Math.min(chunk.length / Float.BYTES, count - filled);
            int got = in.readNBytes(chunk, 0, n * Float.BYTES);
            if (got < n * Float.BYTES) {
                throw new FoveaException(where + ": truncated: the file ends inside tensor " + Text.quote(e.name())
                        + " (bytes [" + e.begin() + ", " + e.end() + ") of the data buffer)");
            }
            if (filled + n > out.length) {
                // Doubling keeps the copying linear while never running far ahead of real data.
                out = Arrays.copyOf(out, (int) Math.min(count, Math.max(2L * out.length, filled + n)));
            }
            ByteBuffer.wrap(chunk, 0, n * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out, filled, n);
            filled += n;
        }
        return out;
    }
}

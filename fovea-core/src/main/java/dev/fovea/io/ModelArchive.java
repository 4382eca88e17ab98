package dev.fovea.io;

import dev.fovea.json.Json;
import dev.fovea.json.Text;
import dev.fovea.FoveaException;
import dev.fovea.tensor.Tensor;

import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.EnumMap;
import java.util.Enumeration;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The {@code .fovea} model file: a zip of the {@link ArchiveEntry} allow-list, model.json and
 * weights.safetensors always, checkpoint entries optionally.
 *
 * <p>Writing is atomic ({@link AtomicFiles}) and reproducible: entries in allow-list order, all
 * STORED (weights barely compress, and skipping deflate makes the bytes independent of the zlib
 * version), every timestamp 1980-02-01 00:00, no extra fields. The same contents give the same
 * bytes, so a model file can be content-hashed.
 *
 * <p>Reading treats the file as hostile. Entry names must be on the allow-list (with specific
 * errors for '..', absolute paths and backslashes, the usual zip-slip tricks), appear once, and
 * the required ones must be present. Each entry is inflated through a stream that stops at its
 * declared size, which must be within its cap, and checks its CRC: caps hold while inflating, not
 * only in the header. STORED and DEFLATED entries are both read, so a file re-zipped by another
 * tool still loads. Every failure is a one-line {@link FoveaException} naming the file and entry.
 */
public final class ModelArchive {
    /**
     * Not 1980-01-01 00:00: the JDK reads that DOS time as "before 1980" and adds an extended
     * timestamp field. A month later is the usual reproducible-build choice and needs no extra field.
     */
    private static final LocalDateTime FIXED_TIME = LocalDateTime.of(1980, 2, 1, 0, 0);

    private ModelArchive() {}

    // ---------------------------------------------------------------- writing

    /** Saves a model's two required entries atomically. */
    public static void write(Path target, String modelJson, Map<String, Tensor> weights) {
        write(target, ArchiveContents.of(modelJson, weights));
    }

    /**
     * Saves atomically: on any failure the previous file at {@code target} is unchanged and no
     * temporary file is left. Contents beyond the entry caps, or JSON entries that are not valid
     * JSON, are refused before anything is written.
     */
    public static void write(Path target, ArchiveContents contents) {
        Map<ArchiveEntry, Long> sizes = validate(contents);
        try {
            AtomicFiles.write(target, out -> writeZip(out, contents, sizes));
        } catch (IOException e) {
            throw new FoveaException(target + ": cannot save model (" + AtomicFiles.reason(e) + "); any previous file is unchanged", e);
        }
    }

    /** Writes the archive to a stream (not closed), e.g. for a download; same bytes as a saved file. */
    public static void write(OutputStream out, ArchiveContents contents) throws IOException {
        writeZip(out, contents, validate(contents));
    }

    /** Checks every entry before the first byte is written, and returns each entry's size. */
    private static Map<ArchiveEntry, Long> validate(ArchiveContents contents) {
        Map<ArchiveEntry, Long> sizes = new EnumMap<>(ArchiveEntry.class);
        for (ArchiveEntry e : contents.entries()) {
            Object value = contents.raw(e);
            long size;
            if (value instanceof String json) {
                try {
                    Json.parse(json, e.fileName());
                } catch (FoveaException bad) {
                    throw new IllegalArgumentException("refusing to save invalid JSON as " + bad.getMessage(), bad);
                }
                size = utf8Length(json);
            } else {
                size = Safetensors.byteSize((TensorFile) value);
            }
            if (size > e.maxBytes()) {
                throw new FoveaException("cannot save model: " + e.fileName() + " would be " + size + " bytes, over the "
                        + Text.bytes(e.maxBytes()) + " a model file may hold");
            }
            sizes.put(e, size);
        }
        return sizes;
    }

    private static void writeZip(OutputStream out, ArchiveContents contents, Map<ArchiveEntry, Long> sizes) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(new KeepOpen(out), StandardCharsets.UTF_8)) {
            for (ArchiveEntry e : contents.entries()) {
                Object value = contents.raw(e);
                // STORED entries need their CRC up front; one extra pass over memory is cheap next
                // to writing the file, and avoids holding a second copy of the weights as bytes.
                CRC32 crc = new CRC32();
                writeEntryBody(new CheckedOutputStream(OutputStream.nullOutputStream(), crc), value);
                ZipEntry ze = new ZipEntry(e.fileName());
                ze.setMethod(ZipEntry.STORED);
                ze.setSize(sizes.get(e));
                ze.setCompressedSize(sizes.get(e));
                ze.setCrc(crc.getValue());
                ze.setTimeLocal(FIXED_TIME);
                zip.putNextEntry(ze);
                // ZipOutputStream re-checks size and CRC here, so a tensor changed by another
                // thread mid-save fails the save instead of writing a corrupt file.
                writeEntryBody(zip, value);
                zip.closeEntry();
            }
            zip.finish();
        }
    }

    private static void writeEntryBody(OutputStream out, Object value) throws IOException {
        if (value instanceof String json) out.write(json.getBytes(StandardCharsets.UTF_8));
        else Safetensors.write(out, (TensorFile) value);
    }

    private static long utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    // ---------------------------------------------------------------- reading

    /** Reads and checks a model file; see the class comment for what is refused. */
    public static ArchiveContents read(Path file) {
        String where = file.toString();
        if (Files.isDirectory(file)) throw new FoveaException(where + ": is a directory, not a Fovea model file");
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile(), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new FoveaException(where + ": no such file");
        } catch (ZipException | EOFException | IllegalArgumentException e) {
            // EOFException: the end record points outside the file, which ZipFile reports this way.
            throw new FoveaException(where + ": not a Fovea model file (not a zip archive, or truncated)", e);
        } catch (IOException e) {
            if (!Files.exists(file)) throw new FoveaException(where + ": no such file");
            throw new FoveaException(where + ": cannot read (" + AtomicFiles.reason(e) + ")", e);
        }
        try (zip) {
            Map<ArchiveEntry, ZipEntry> found = listEntries(zip, where);
            Map<ArchiveEntry, Object> values = new EnumMap<>(ArchiveEntry.class);
            for (Map.Entry<ArchiveEntry, ZipEntry> e : found.entrySet()) {
                values.put(e.getKey(), readEntry(zip, e.getValue(), e.getKey(), where + ": " + e.getKey().fileName()));
            }
            return ArchiveContents.fromFile(values, where);
        } catch (IOException e) {
            // Only close() can land here; entry reads report their own failures.
            throw new FoveaException(where + ": cannot read (" + AtomicFiles.reason(e) + ")", e);
        }
    }

    private static Map<ArchiveEntry, ZipEntry> listEntries(ZipFile zip, String where) {
        Map<ArchiveEntry, ZipEntry> found = new EnumMap<>(ArchiveEntry.class);
        try {
            for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
                ZipEntry ze = en.nextElement();
                ArchiveEntry e = allowed(ze.getName(), where);
                if (found.containsKey(e)) {
                    // Two copies of one entry: different tools would load different models.
                    throw new FoveaException(where + ": archive entry " + Text.quote(ze.getName()) + " appears more than once");
                }
                found.put(e, ze);
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new FoveaException(where + ": not a Fovea model file (corrupt zip directory)", e);
        }
        for (ArchiveEntry e : ArchiveEntry.values()) {
            if (e.required() && !found.containsKey(e)) {
                throw new FoveaException(where + ": not a Fovea model file (no " + e.fileName() + " entry)");
            }
        }
        return found;
    }

    /** The allow-list decides, but the classic path tricks get errors that say what they are. */
    private static ArchiveEntry allowed(String name, String where) {
        String entry = where + ": archive entry " + Text.quote(name);
        if (name.indexOf('\\') >= 0) throw new FoveaException(entry + " contains a backslash; refused");
        if (name.startsWith("/") || (name.length() >= 2 && name.charAt(1) == ':')) {
            throw new FoveaException(entry + " is an absolute path; refused");
        }
        for (String segment : name.split("/", -1)) {
            if (segment.equals("..")) throw new FoveaException(entry + " has a '..' path segment; refused");
        }
        return ArchiveEntry.named(name).orElseThrow(() -> new FoveaException(
                entry + " is not part of a Fovea model file (allowed: " + ArchiveEntry.allNames() + ")"));
    }

    private static Object readEntry(ZipFile zip, ZipEntry ze, ArchiveEntry e, String where) {
        long size = ze.getSize();
        if (size < 0) throw new FoveaException(where + ": entry has no declared size");
        if (size > e.maxBytes()) {
            throw new FoveaException(where + ": entry is " + size + " bytes, over the " + Text.bytes(e.maxBytes()) + " limit");
        }
        try (InputStream raw = zip.getInputStream(ze)) {
            CheckedEntryStream in = new CheckedEntryStream(raw, size, ze.getCrc(), where);
            if (e.kind() == ArchiveEntry.Kind.JSON) {
                // readAllBytes grows as data arrives, and the stream stops at the capped declared size.
                byte[] bytes = in.readAllBytes();
                in.verifyComplete();
                return Json.decodeUtf8(bytes, where);
            }
            TensorFile tensors;
            try {
                tensors = Safetensors.read(in, size, where);
            } catch (FoveaException malformed) {
                // A damaged file should say "damaged", not blame the writer: if the bytes fail
                // their CRC, report that instead of whatever the damage looked like.
                try {
                    in.verifyComplete();
                } catch (FoveaException damaged) {
                    damaged.addSuppressed(malformed);
                    throw damaged;
                }
                throw malformed;
            }
            in.verifyComplete();
            return tensors;
        } catch (IOException | IllegalArgumentException ex) {
            throw new FoveaException(where + ": corrupt archive entry (" + reason(ex) + ")", ex);
        }
    }

    private static String reason(Exception e) {
        return e instanceof IOException io ? AtomicFiles.reason(io) : String.valueOf(e.getMessage());
    }

    /** The zip stream's close() must finish the archive without closing the caller's stream. */
    private static final class KeepOpen extends FilterOutputStream {
        KeepOpen(OutputStream out) { super(out); }
        @Override public void write(byte[] b, int off, int len) throws IOException { out.write(b, off, len); }
        @Override public void close() throws IOException { out.flush(); }
    }
}

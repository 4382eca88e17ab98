package dev.fovea.io;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file all at once or not at all. The new content goes to a temporary file in the
 * target's directory (same file system, so the rename cannot turn into a copy), is forced to disk,
 * and is then renamed over the target. A crash, full disk or exception mid-write leaves the old
 * file as it was; a power cut after the rename leaves the new one complete, never a mix.
 */
public final class AtomicFiles {
    private static final int MAX_NAME_IN_TEMP = 100;
    private static final int CREATE_ATTEMPTS = 16;

    private AtomicFiles() {}

    /**
     * Writes {@code target} by running {@code body} on a buffered stream to a temporary file, then
     * renaming it into place. If the body or any step throws, the temporary file is deleted and
     * the target is untouched. The body need not close the stream (closing it is harmless).
     * The temporary file is named {@code .NAME.RANDOM.tmp}; those a killed process left behind
     * (older than a minute) are deleted by the next save of the same target. The parent directory must exist. If the target is a
     * symbolic link, the link itself is replaced by a regular file.
     */
    public static void write(Path target, IOConsumer<OutputStream> body) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new NoSuchFileException(String.valueOf(dir), null, "directory does not exist");
        }
        removeStaleTemps(dir, absolute.getFileName().toString());
        Path temp = null;
        try {
            FileChannel channel = null;
            for (int attempt = 0; channel == null; attempt++) {
                temp = dir.resolve(tempName(absolute.getFileName().toString()));
                try {
                    // CREATE_NEW with default permissions: the result gets the umask's usual mode,
                    // unlike Files.createTempFile, which would leave the saved file owner-only.
                    channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                } catch (FileAlreadyExistsException taken) {
                    temp = null;
                    if (attempt + 1 >= CREATE_ATTEMPTS) throw taken;
                }
            }
            try (FileChannel ch = channel) {
                BufferedOutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                body.accept(new KeepOpen(out));
                out.flush();
                // Data must be on disk before the rename makes it the target, or a crash could
                // leave a complete-looking file with missing blocks.
                ch.force(true);
            }
            move(temp, absolute);
            temp = null;
            syncDirectory(dir);
        } catch (Throwable failure) {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException cleanup) {
                    failure.addSuppressed(cleanup);
                }
            }
            throw failure;
        }
    }

    /** Writes bytes atomically. */
    public static void write(Path target, byte[] content) throws IOException {
        write(target, out -> out.write(content));
    }

    private static void move(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            // Some file systems (certain network and FUSE mounts) cannot rename atomically; a
            // replacing move is the best they offer and still never exposes a half-written file.
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Makes the rename itself durable. Best effort: some platforms (Windows) cannot open a directory. */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // The file content is already durable; only the rename might be replayed after a crash.
        }
    }

    /** A temporary file older than this was left by a process that died (kill -9, power cut) mid-save. */
    static final java.time.Duration STALE_AFTER = java.time.Duration.ofMinutes(1);

    /**
     * Deletes the temporary files an interrupted save of {@code name} left beside it: only regular
     * files named exactly as {@link #tempName} names them for this target, and not modified for
     * {@link #STALE_AFTER} (a save in progress in another process keeps its file fresh). Best effort:
     * a file that cannot be listed or deleted is left, and the save goes on.
     */
    private static void removeStaleTemps(Path dir, String name) {
        String base = name.length() > MAX_NAME_IN_TEMP ? name.substring(0, MAX_NAME_IN_TEMP) : name;
        String prefix = "." + base + ".";
        long cutoff = System.currentTimeMillis() - STALE_AFTER.toMillis();
        try (var entries = Files.newDirectoryStream(dir, p -> isOurTemp(p.getFileName().toString(), prefix))) {
            for (Path p : entries) {
                try {
                    var attrs = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                    if (attrs.isRegularFile() && attrs.lastModifiedTime().toMillis() < cutoff) Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // another process removed or holds it: not ours to fight over
                }
            }
        } catch (IOException | java.nio.file.DirectoryIteratorException ignored) {
            // an unlistable directory: the save itself will say what is wrong
        }
    }

    /** ".NAME." + 16 lower-case hex digits + ".tmp", exactly what {@link #tempName} makes. */
    static boolean isOurTemp(String file, String prefix) {
        if (!file.startsWith(prefix) || !file.endsWith(".tmp") || file.length() != prefix.length() + 16 + 4) return false;
        for (int i = prefix.length(); i < prefix.length() + 16; i++) {
            char c = file.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
        }
        return true;
    }

    private static String tempName(String name) {
        String base = name.length() > MAX_NAME_IN_TEMP ? name.substring(0, MAX_NAME_IN_TEMP) : name;
        return "." + base + "." + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()) + ".tmp";
    }

    /** A short human reason for an I/O failure, for one-line errors: "No space left on device". */
    static String reason(IOException e) {
        if (e instanceof FileSystemException fse) {
            String what = fse.getReason() != null ? fse.getReason()
                    : e instanceof NoSuchFileException ? "no such file or directory"
                    : e instanceof AccessDeniedException ? "permission denied"
                    : e instanceof FileAlreadyExistsException ? "file exists"
                    : e.getClass().getSimpleName();
            return fse.getFile() != null ? what + ": " + fse.getFile() : what;
        }
        if (e.getMessage() != null) return e.getMessage();
        return e instanceof EOFException ? "unexpected end of file" : e.getClass().getSimpleName();
    }

    /** Lets the body close "its" stream without closing the channel before it is forced. */
    private static final class KeepOpen extends FilterOutputStream {
        KeepOpen(OutputStream out) { super(out); }
        @Override public void write(byte[] b, int off, int len) throws IOException { out.write(b, off, len); }
        @Override public void close() throws IOException { out.flush(); }
    }
}

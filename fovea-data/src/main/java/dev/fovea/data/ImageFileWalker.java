package dev.fovea.data;

import dev.fovea.FoveaException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The image files among some files and folders, found lazily: folders are walked depth first, each
 * folder's entries in sorted order of their names, so memory is one listing per level (not one
 * entry per file of the tree) and the order is the same on every machine. Files named directly
 * are always returned (asked for by name, they get a result, even an error). Below a folder, the
 * rules are those of {@link ImageFolder}: names starting with '.' are ignored, links to folders
 * are not followed (no cycles), links to files are; a file is an image when its leading bytes
 * are a PNG, JPEG, BMP or GIF signature (never by its name), and other files are skipped and
 * counted, or refused in strict mode. Headers and pixels are not read here: a file with an image
 * signature but a corrupt body fails when it is decoded.
 *
 * <p>Not thread-safe; give it to one consumer (a {@code StreamingPredictor} locks its source).
 */
public final class ImageFileWalker implements Iterator<Path> {
    private static final int REPORTED = 5;

    private final Iterator<Path> roots;
    private final boolean strict;
    private final Deque<Iterator<Path>> stack = new ArrayDeque<>();
    private final List<String> skippedReasons = new ArrayList<>();
    private volatile long skipped;
    private volatile long found;
    private Path next;

    /** Walks roots (files and folders) in the order given; in strict mode a non-image file below a folder is an error. */
    public ImageFileWalker(List<Path> roots, boolean strict) {
        for (Path r : roots) {
            if (!Files.exists(r)) throw new FoveaException(r + ": no such file or folder");
        }
        this.roots = List.copyOf(roots).iterator();
        this.strict = strict;
    }

    /**
     * How many files the walk will consider (regular files, links to files; hidden ones left
     * out), found from the folder listings alone, without opening a file: an upper bound on the
     * images, for a progress bar. Costs one extra pass over the listings.
     */
    public static long countFiles(List<Path> roots) {
        long n = 0;
        for (Path r : roots) {
            if (!Files.isDirectory(r)) {
                n++;
                continue;
            }
            Deque<Path> dirs = new ArrayDeque<>();
            dirs.push(r);
            while (!dirs.isEmpty()) {
                for (Path p : visibleEntries(dirs.pop())) {
                    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) dirs.push(p);
                    else if (Files.isRegularFile(p)) n++;
                }
            }
        }
        return n;
    }

    /** Files below the roots that were not images (so far). */
    public long skipped() { return skipped; }

    /** Files returned so far. */
    public long found() { return found; }

    /** "skipped 3 files that are not images: a (why); b (why); c (why)", or "" when none were. */
    public String skippedSummary() {
        if (skipped == 0) return "";
        StringBuilder sb = new StringBuilder("skipped " + skipped + (skipped == 1 ? " file that is not an image: " : " files that are not images: "));
        sb.append(String.join("; ", skippedReasons));
        if (skipped > skippedReasons.size()) sb.append("; and ").append(skipped - skippedReasons.size()).append(" more");
        return sb.toString();
    }

    @Override public boolean hasNext() {
        while (next == null) {
            if (stack.isEmpty()) {
                if (!roots.hasNext()) return false;
                Path r = roots.next();
                if (Files.isDirectory(r)) stack.push(visibleEntries(r).iterator());
                else next = r;
                continue;
            }
            Iterator<Path> level = stack.peek();
            if (!level.hasNext()) {
                stack.pop();
                continue;
            }
            Path p = level.next();
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) stack.push(visibleEntries(p).iterator());
            else if (Files.isRegularFile(p) && isImage(p)) next = p;
        }
        return true;
    }

    @Override public Path next() {
        if (!hasNext()) throw new NoSuchElementException("no more image files");
        Path p = next;
        next = null;
        found++;
        return p;
    }

    /** Whether p starts with an image signature; unreadable files count as images, so that decoding reports why. */
    private boolean isImage(Path p) {
        byte[] head = new byte[ImageFormat.SNIFF_BYTES];
        int got;
        try (InputStream in = Files.newInputStream(p)) {
            got = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            return true;
        }
        if (ImageFormat.sniff(head, got) != null) return true;
        String reason = p + ": not a PNG, JPEG, BMP or GIF image";
        if (strict) throw new FoveaException(reason + " (strict: files that are not images are refused, not skipped)");
        if (skippedReasons.size() < REPORTED) skippedReasons.add(reason);
        skipped++;
        return false;
    }

    /** dir's entries whose names do not start with '.', sorted by name. */
    private static List<Path> visibleEntries(Path dir) {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (!p.getFileName().toString().startsWith(".")) entries.add(p);
            }
        } catch (IOException e) {
            throw new FoveaException(dir + ": cannot list (" + Errors.detail(e) + ")", e);
        }
        entries.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        return entries;
    }
}

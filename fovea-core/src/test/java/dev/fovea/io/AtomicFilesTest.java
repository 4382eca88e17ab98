package dev.fovea.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AtomicFilesTest {
    @TempDir Path dir;

    private List<String> listing() throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void createsAndReplaces() throws IOException {
        Path p = dir.resolve("out.txt");
        AtomicFiles.write(p, "one".getBytes(StandardCharsets.UTF_8));
        assertEquals("one", Files.readString(p));
        AtomicFiles.write(p, out -> {
            out.write("two".getBytes(StandardCharsets.UTF_8));
            out.close(); // harmless: the file is still forced and renamed afterwards
        });
        assertEquals("two", Files.readString(p));
        assertEquals(List.of("out.txt"), listing());
    }

    @Test
    void aBodyThatThrowsMidwayLeavesTheOldFileAndNoTemporary() throws IOException {
        Path p = dir.resolve("model.fovea");
        Files.writeString(p, "previous");
        byte[] half = new byte[1 << 20];
        IOException io = assertThrows(IOException.class, () -> AtomicFiles.write(p, out -> {
            out.write(half);
            throw new IOException("disk full");
        }));
        assertEquals("disk full", io.getMessage());
        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(p, out -> {
            out.write(half);
            throw new IllegalStateException("bug in the writer");
        }));
        assertThrows(UncheckedIOException.class, () -> AtomicFiles.write(p, out -> {
            throw new UncheckedIOException(new IOException("x"));
        }));
        assertEquals("previous", Files.readString(p));
        assertEquals(List.of("model.fovea"), listing());
    }

    @Test
    void refusesAMissingDirectory() {
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> AtomicFiles.write(dir.resolve("nope/x"), new byte[1]));
        assertEquals("directory does not exist: " + dir.resolve("nope"), AtomicFiles.reason(e));
    }

    @Test
    void keepsDefaultPermissionsNotOwnerOnly() throws IOException {
        if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) return;
        Path p = dir.resolve("shared.txt");
        Path reference = Files.writeString(dir.resolve("reference.txt"), "r");
        AtomicFiles.write(p, new byte[] {1});
        assertEquals(Files.getPosixFilePermissions(reference), Files.getPosixFilePermissions(p));
    }
}

package dev.fovea.cli;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The paths a resumed {@code fovea predict} has results for, kept as 64-bit hashes (8 bytes a
 * path, sorted once, then binary-searched) so that resuming a run over millions of images holds
 * megabytes rather than the paths themselves. Two different paths share a hash with probability
 * about n^2 / 2^65 (under 10^-6 for 5 million paths); such an image would be taken as done.
 */
final class DoneSet {
    private long[] hashes = new long[1024];
    private int size;
    private boolean sorted = true;

    void add(String path) {
        if (size == hashes.length) hashes = Arrays.copyOf(hashes, size * 2);
        hashes[size++] = hash(path);
        sorted = false;
    }

    int size() { return size; }

    boolean contains(String path) {
        if (!sorted) {
            Arrays.sort(hashes, 0, size);
            sorted = true;
        }
        return Arrays.binarySearch(hashes, 0, size, hash(path)) >= 0;
    }

    /** 64-bit FNV-1a of the UTF-8 bytes, then a SplitMix64 finaliser to spread the bits. */
    static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 30;
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 27;
        h *= 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }
}

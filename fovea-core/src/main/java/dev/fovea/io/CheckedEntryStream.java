package dev.fovea.io;

import dev.fovea.FoveaException;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;

/**
 * One zip entry's bytes, held to the size and CRC its central directory declares. The declared
 * size was already checked against the entry's cap, and this stream never yields more than it, so
 * an entry that inflates without end (a zip bomb, or a lying header) is stopped one byte past its
 * declaration instead of filling memory.
 */
final class CheckedEntryStream extends InputStream {
    private final InputStream in;
    private final long declaredSize;
    private final long declaredCrc;
    private final String where;
    private final CRC32 crc = new CRC32();
    private final byte[] one = new byte[1];
    private long count;

    CheckedEntryStream(InputStream in, long declaredSize, long declaredCrc, String where) {
        this.in = in;
        this.declaredSize = declaredSize;
        this.declaredCrc = declaredCrc;
        this.where = where;
    }

    @Override
    public int read() throws IOException {
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (count >= declaredSize) {
            refuseExtraBytes();
            return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, declaredSize - count));
        if (n > 0) {
            crc.update(b, off, n);
            count += n;
        }
        return n;
    }

    /** Called after the consumer is done: the entry must end exactly at its declared size with its declared CRC. */
    void verifyComplete() throws IOException {
        if (count < declaredSize) {
            // The consumer stopped early; drain the rest through the checks.
            byte[] skip = new byte[8192];
            while (read(skip, 0, skip.length) >= 0) { /* counting and CRC happen in read */ }
        }
        refuseExtraBytes();
        if (count != declaredSize) {
            throw new FoveaException(where + ": entry is truncated (" + count + " of its declared " + declaredSize + " bytes)");
        }
        if (crc.getValue() != declaredCrc) {
            throw new FoveaException(where + ": entry is corrupt (CRC-32 mismatch)");
        }
    }

    private void refuseExtraBytes() throws IOException {
        if (in.read() >= 0) {
            throw new FoveaException(where + ": entry inflates to more than its declared " + declaredSize
                    + " bytes (corrupt archive, or a zip bomb)");
        }
    }
}

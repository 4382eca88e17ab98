package dev.fovea.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 14, red-team item 6: --threads has an upper bound, refused in one line before any thread starts. */
class CliLimitsTest {
    @Test
    void threadsAboveFourPerCoreAreRefusedInOneLine() {
        int cores = Runtime.getRuntime().availableProcessors();
        FoveaRun r = FoveaRun.of("summary", "--threads", Integer.toString(4 * cores + 1), "--model", "tiny");
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--threads must be 1.." + 4 * cores), r.err());
    }
}

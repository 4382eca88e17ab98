package dev.fovea.cli;

import java.lang.management.ManagementFactory;

/**
 * Bytes allocated on the Java heap by all threads of this JVM since it started, including threads
 * that have ended (the pool's workers come and go), via HotSpot's
 * {@code com.sun.management.ThreadMXBean#getTotalThreadAllocatedBytes}. Differences over a window
 * of steady-state work say how much that work allocates. Reading it allocates nothing.
 */
public final class AllocationCounter {
    private static final com.sun.management.ThreadMXBean BEAN = bean();

    private AllocationCounter() {}

    private static com.sun.management.ThreadMXBean bean() {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean b)) return null;
        try {
            if (!b.isThreadAllocatedMemorySupported()) return null;
            if (!b.isThreadAllocatedMemoryEnabled()) b.setThreadAllocatedMemoryEnabled(true);
            return b;
        } catch (UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }

    /** Whether this JVM can count allocated bytes. */
    public static boolean supported() {
        return BEAN != null && BEAN.getTotalThreadAllocatedBytes() >= 0;
    }

    /** Total bytes allocated so far, or -1 when the JVM cannot tell. */
    public static long totalBytes() {
        return BEAN == null ? -1 : BEAN.getTotalThreadAllocatedBytes();
    }
}

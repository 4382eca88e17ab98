package dev.fovea.cli;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Facts about this JVM process and machine that a benchmark report needs. */
final class ProcessStats {
    private ProcessStats() {}

    /**
     * Sum over the heap pools of each pool's peak occupancy since start. The pools peak at
     * different moments, so this bounds the true peak from above; it includes garbage not yet
     * collected, so it reflects the collector's sizing as much as the program's needs.
     */
    static long peakHeapBytes() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) sum += p.getPeakUsage().getUsed();
        }
        return sum;
    }

    /** Heap in use right after a full collection: what the run actually keeps alive. */
    static long liveHeapBytes() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Collections so far, all collectors. */
    static long gcCount() {
        long n = 0;
        for (GarbageCollectorMXBean g : ManagementFactory.getGarbageCollectorMXBeans()) n += Math.max(0, g.getCollectionCount());
        return n;
    }

    static String gcNames() {
        List<String> names = new ArrayList<>();
        for (GarbageCollectorMXBean g : ManagementFactory.getGarbageCollectorMXBeans()) names.add(g.getName());
        return String.join(", ", names);
    }

    static long maxHeapBytes() { return Runtime.getRuntime().maxMemory(); }

    /** Peak resident set size (Linux VmHWM), or -1 where /proc is not there. */
    static long peakRssBytes() {
        String kb = procField(Path.of("/proc/self/status"), "VmHWM:");
        if (kb == null) return -1;
        try {
            return Long.parseLong(kb.replace("kB", "").trim()) * 1024;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The one-minute load average (other work on the machine skews timings), or -1. */
    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** The processor's name as Linux reports it, else the architecture. */
    static String cpuModel() {
        String m = procField(Path.of("/proc/cpuinfo"), "model name");
        return m == null ? System.getProperty("os.arch") : m.replaceFirst("^\\s*:\\s*", "").trim();
    }

    static int cores() { return Runtime.getRuntime().availableProcessors(); }

    static String jdk() { return Runtime.version() + " (" + System.getProperty("java.vendor") + ")"; }

    private static String procField(Path file, String prefix) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(prefix)) return line.substring(prefix.length());
            }
        } catch (IOException | SecurityException e) {
            return null;
        }
        return null;
    }
}

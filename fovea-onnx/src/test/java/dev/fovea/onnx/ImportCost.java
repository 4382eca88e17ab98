package dev.fovea.onnx;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;

/**
 * Developer entry point: import time and peak heap of importing each ONNX model given. Run in a
 * fresh JVM per model (the first import pays class loading; later ones are reported too):
 * {@code java -cp ... dev.fovea.onnx.ImportCost model.onnx [repeats]}. Peak heap is the sum of the
 * heap pools' peak usage since the start of the import (an upper bound of the true peak, as pools
 * peak at different moments).
 */
public final class ImportCost {
    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        for (int r = 0; r < repeats; r++) {
            System.gc();
            long before = heapUsed();
            for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) if (p.getType() == MemoryType.HEAP) p.resetPeakUsage();
            long start = System.nanoTime(), cpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            OnnxModel m = Onnx.load(file);
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpu = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0) / 1e9;
            long peak = 0;
            for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) if (p.getType() == MemoryType.HEAP) peak += p.getPeakUsage().getUsed();
            long weights = m.model().parameterCount() * 4L;
            System.out.printf("%s: import %.2f s (thread CPU %.2f s), peak heap %d MB (%d MB before), weights %d MB, bound 1.5x + 200 = %d MB%n",
                    file.getParent().getFileName(), seconds, cpu, peak >> 20, before >> 20, weights >> 20, (long) (1.5 * weights + (200L << 20)) >> 20);
        }
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}

package dev.fovea.tensor;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The worker pool: every index exactly once, nested loops inline, failures reach the caller, no lost wake-ups. */
class ParallelTest {
    private static int before;

    @BeforeAll static void remember() { before = Parallel.threads(); }

    @AfterAll static void restore() { Parallel.setThreads(before); }

    @Test
    void everyIndexRunsExactlyOnceForManySizesAndThreadCounts() {
        for (int threads : new int[] {1, 2, 3, 4}) {
            Parallel.setThreads(threads);
            for (int n = 0; n < 70; n++) {
                for (int grain : new int[] {1, 3, 16}) {
                    AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(1, n));
                    Parallel.forRange(n, grain, (from, to) -> {
                        for (int i = from; i < to; i++) hits.incrementAndGet(i);
                    });
                    for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "threads " + threads + " n " + n + " index " + i);
                }
            }
        }
    }

    @Test
    void manyLoopsBackToBackAndAfterWorkersParked() throws InterruptedException {
        Parallel.setThreads(2);
        AtomicInteger sum = new AtomicInteger();
        for (int round = 0; round < 20_000; round++) {
            Parallel.forRange(2, 1, (from, to) -> sum.addAndGet(to - from));
            if (round % 5000 == 0) Thread.sleep(5);   // let the worker park, then wake it
        }
        assertEquals(40_000, sum.get());
    }

    @Test
    void nestedLoopsRunInlineAndSeeOneThread() {
        Parallel.setThreads(2);
        AtomicInteger inner = new AtomicInteger();
        AtomicInteger innerThreads = new AtomicInteger();
        Parallel.forRange(4, 1, (from, to) -> {
            innerThreads.set(Parallel.threads());
            Parallel.forRange(10, 1, (a, b) -> inner.addAndGet(b - a));
        });
        assertEquals(20, inner.get());
        assertEquals(1, innerThreads.get());
        assertEquals(2, Parallel.threads());
    }

    @Test
    void aFailingChunkReachesTheCallerAndThePoolKeepsWorking() {
        Parallel.setThreads(2);
        IllegalStateException boom = new IllegalStateException("boom");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Parallel.forRange(2, 1, (from, to) -> { if (from == 1) throw boom; }));
        assertSame(boom, e);
        AtomicInteger n = new AtomicInteger();
        Parallel.forRange(100, 1, (from, to) -> n.addAndGet(to - from));
        assertEquals(100, n.get());
    }

    @Test
    void concurrentCallersEachGetTheirWholeRange() throws InterruptedException {
        Parallel.setThreads(2);
        AtomicInteger total = new AtomicInteger();
        Thread[] callers = new Thread[4];
        for (int t = 0; t < callers.length; t++) {
            callers[t] = new Thread(() -> {
                for (int r = 0; r < 2000; r++) Parallel.forRange(64, 1, (from, to) -> total.addAndGet(to - from));
            });
            callers[t].start();
        }
        for (Thread t : callers) t.join();
        assertEquals(4 * 2000 * 64, total.get());
    }

    @Test
    void loopsAllocateNothingWithAReusedBody() {
        Parallel.setThreads(2);
        long[] sink = new long[2];
        Parallel.RangeBody body = (from, to) -> sink[from == 0 ? 0 : 1] += to - from;
        for (int i = 0; i < 20_000; i++) Parallel.forRange(1000, 1, body);   // warm up the JIT
        var bean = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long a0 = bean.getThreadAllocatedBytes(Thread.currentThread().threadId());
        for (int i = 0; i < 10_000; i++) Parallel.forRange(1000, 1, body);
        long a1 = bean.getThreadAllocatedBytes(Thread.currentThread().threadId());
        assertTrue(a1 - a0 < 10_000, "10,000 loops allocated " + (a1 - a0) + " bytes on the caller");
    }
}

package dev.fovea.data.pipeline;

import dev.fovea.tensor.Shape;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Keeps decoded examples in memory within a byte budget, so epochs after the first skip
 * decoding. The first K examples by index are cached, K = budget / bytes per example: the choice
 * does not depend on the order examples are asked for, and the cache is one float array with no
 * per-example objects. The first reader of an example decodes it into the cache; a reader that
 * finds it being filled by another thread decodes its own copy rather than wait.
 */
public final class CachedExamples implements Examples {
    private static final int EMPTY = 0, FILLING = 1, READY = 2;

    private final Examples base;
    private final int size;
    private final int capacity;             // K: examples [0, K) are cached
    private final float[] arena;            // (K, ...example)
    private final AtomicIntegerArray state; // per cached example: EMPTY, FILLING, READY
    private final LongAdder hits = new LongAdder(), misses = new LongAdder();

    CachedExamples(Examples base, long budgetBytes) {
        this.base = base;
        this.size = base.exampleShape().size();
        long bytesPer = 4L * Math.max(1, size);
        long k = Math.min(base.size(), Math.max(0, budgetBytes) / bytesPer);
        k = Math.min(k, (Integer.MAX_VALUE - 8) / Math.max(1, size));   // one Java array
        this.capacity = (int) k;
        this.arena = new float[capacity * size];
        this.state = new AtomicIntegerArray(capacity);
    }

    /** How many examples fit the budget (the first ones by index). */
    public int capacity() { return capacity; }

    /** Reads served from memory. */
    public long hits() { return hits.sum(); }

    /** Reads that decoded. */
    public long misses() { return misses.sum(); }

    @Override public int size() { return base.size(); }
    @Override public Shape exampleShape() { return base.exampleShape(); }
    @Override public int label(int i) { return base.label(i); }
    @Override public String describe(int i) { return base.describe(i); }

    @Override public void read(int i, float[] dst, int off) {
        if (i >= capacity) {
            misses.increment();
            base.read(i, dst, off);
            return;
        }
        int s = state.get(i);
        if (s == READY) {
            hits.increment();
            System.arraycopy(arena, i * size, dst, off, size);
            return;
        }
        misses.increment();
        if (s == EMPTY && state.compareAndSet(i, EMPTY, FILLING)) {
            try {
                base.read(i, arena, i * size);
            } catch (RuntimeException | Error e) {
                state.set(i, EMPTY);
                throw e;
            }
            state.set(i, READY);   // the volatile write publishes the arena values to later readers
            System.arraycopy(arena, i * size, dst, off, size);
            return;
        }
        base.read(i, dst, off);
    }
}

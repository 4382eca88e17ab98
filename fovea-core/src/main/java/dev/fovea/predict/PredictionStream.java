package dev.fovea.predict;

import dev.fovea.FoveaException;
import dev.fovea.nn.Graph;
import dev.fovea.tensor.Tensor;
import dev.fovea.train.Prediction;
import dev.fovea.train.ClassifierOutput;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The results of one {@link StreamingPredictor#predict} call, in input order. Reader threads take
 * the next batch's inputs from the source iterator (one reader at a time, so batch b holds inputs
 * [b*B, b*B + B)), read them into a free slot and hand it over; {@link #nextBatch} waits for
 * batch b, runs the model on it on the calling thread and returns the slot. There are readers + 1
 * slots, so readers fill the next batches while the model runs, and neither side gets further
 * ahead than that: memory stays bounded however long the source is.
 */
public final class PredictionStream implements Iterator<PredictionResult>, AutoCloseable {
    /**
     * Where the time went so far. readNanos is summed over the reader threads (with several
     * readers it can exceed the wall time); waitNanos is the caller's time blocked on readers,
     * which is zero when reading keeps up with the model.
     */
    public record Stats(long inputs, long failed, long batches, long readNanos, long inferNanos, long waitNanos) {}

    /** One batch buffer and the inputs read into it. */
    private static final class Slot {
        final float[] x;                 // (B, ...input), row r of the inputs that read
        final PredictionInput[] inputs;  // the batch's inputs, in order
        final int[] rowOf;               // input i's row in x, or -1 when it failed
        final String[] errors;
        int count;                       // inputs in this batch
        int rows;                        // inputs read into x
        long firstIndex;

        Slot(int batch, int exampleSize) {
            x = new float[batch * exampleSize];
            inputs = new PredictionInput[batch];
            rowOf = new int[batch];
            errors = new String[batch];
        }
    }

    private final Graph model;
    private final Iterator<? extends PredictionInput> source;   // guarded by itself
    private final int batch;
    private final int exampleSize;
    private final int topK;
    private final ClassifierOutput output;   // probabilities vs logits, class names
    private final BlockingQueue<Slot> free;
    private final Thread[] readers;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<Long, Slot> ready = new HashMap<>();    // guarded by lock
    private long endBatch = Long.MAX_VALUE;                   // guarded by lock: batches there are, once known
    private Throwable failure;                                // guarded by lock
    private long issued;                                      // guarded by source: batches taken from it
    private boolean sourceDone;                               // guarded by source

    private volatile boolean closed;
    private long nextBatch;                                   // the consumer's
    private List<PredictionResult> pending = List.of();
    private int pendingAt;
    private long inputs, failed, batches, inferNanos, waitNanos;
    private final AtomicLong readNanos = new AtomicLong();

    PredictionStream(Graph model, Iterator<? extends PredictionInput> source, int batch, int readers, int topK) {
        this.model = model;
        this.source = source;
        this.batch = batch;
        this.exampleSize = model.inputShape().size();
        this.topK = topK;
        this.output = ClassifierOutput.of(model);
        this.free = new ArrayBlockingQueue<>(readers + 1);
        for (int i = 0; i <= readers; i++) free.add(new Slot(batch, exampleSize));
        this.readers = new Thread[readers];
        for (int i = 0; i < readers; i++) {
            this.readers[i] = Thread.ofPlatform().name("fovea-predict-reader-" + i).daemon(true).start(this::readLoop);
        }
    }

    /**
     * The results of the next batch, in input order, or null when every input has a result.
     * Throws what the source iterator or the model threw (the stream is then finished).
     */
    public List<PredictionResult> nextBatch() {
        if (closed) throw new IllegalStateException("prediction stream is closed");
        Slot s = awaitBatch();
        if (s == null) return null;
        try {
            return predict(s);
        } finally {
            Arrays.fill(s.inputs, 0, s.count, null);
            free.add(s);
        }
    }

    /** Counts and timings so far. */
    public Stats stats() {
        return new Stats(inputs, failed, batches, readNanos.get(), inferNanos, waitNanos);
    }

    @Override public boolean hasNext() {
        while (pendingAt == pending.size()) {
            List<PredictionResult> b = nextBatch();
            if (b == null) return false;
            pending = b;
            pendingAt = 0;
        }
        return true;
    }

    @Override public PredictionResult next() {
        if (!hasNext()) throw new NoSuchElementException("no more prediction results");
        return pending.get(pendingAt++);
    }

    /** Stops the readers (an input being read finishes first) and waits for them. */
    @Override public void close() {
        if (closed) return;
        closed = true;
        for (Thread t : readers) t.interrupt();
        boolean interrupted = false;
        for (Thread t : readers) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    private Slot awaitBatch() {
        long start = System.nanoTime();
        lock.lock();
        try {
            while (true) {
                Slot s = ready.remove(nextBatch);
                if (s != null) {
                    nextBatch++;
                    return s;
                }
                if (failure instanceof RuntimeException re) throw re;
                if (failure instanceof Error er) throw er;
                if (nextBatch >= endBatch) return null;
                changed.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FoveaException("interrupted while waiting for inputs to be read");
        } finally {
            lock.unlock();
            waitNanos += System.nanoTime() - start;
        }
    }

    private List<PredictionResult> predict(Slot s) {
        int classes = model.outputShape().size();
        Tensor out = null;
        if (s.rows > 0) {
            long start = System.nanoTime();
            out = model.infer(new Tensor(model.inputShape().withBatch(batch), s.x));   // (B, K), rows past s.rows are padding
            inferNanos += System.nanoTime() - start;
        }
        List<PredictionResult> results = new ArrayList<>(s.count);
        for (int i = 0; i < s.count; i++) {
            long index = s.firstIndex + i;
            String name = s.inputs[i].name();
            if (s.rowOf[i] < 0) {
                results.add(new PredictionResult(index, name, null, List.of(), s.errors[i]));
                failed++;
                continue;
            }
            float[] p = Arrays.copyOfRange(out.data(), s.rowOf[i] * classes, (s.rowOf[i] + 1) * classes);
            output.toProbabilities(p, 1);
            List<Prediction> top = output.topK(Tensor.of(p, 1, classes), 0, topK);
            results.add(new PredictionResult(index, name, p, top, null));
        }
        inputs += s.count;
        batches++;
        return results;
    }

    private void readLoop() {
        try {
            while (!closed) {
                Slot s = free.take();
                if (!take(s)) return;
                long start = System.nanoTime();
                read(s);
                readNanos.addAndGet(System.nanoTime() - start);
                if (closed) return;
                lock.lock();
                try {
                    ready.put(s.firstIndex / batch, s);
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        } catch (InterruptedException e) {
            // closed: exit quietly
        } catch (RuntimeException | Error e) {
            lock.lock();
            try {
                if (failure == null) failure = e;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Takes the next batch's inputs from the source into s; false when the source is exhausted. */
    private boolean take(Slot s) {
        synchronized (source) {
            int n = 0;
            try {
                while (!sourceDone && n < batch) {
                    if (!source.hasNext()) {
                        sourceDone = true;
                        break;
                    }
                    s.inputs[n++] = source.next();
                }
            } catch (RuntimeException | Error e) {
                sourceDone = true;   // the source failed: no reader touches it again
                throw e;
            }
            if (n > 0) {
                s.count = n;
                s.firstIndex = issued * batch;
                issued++;
            }
            if (sourceDone) {
                lock.lock();
                try {
                    endBatch = Math.min(endBatch, issued);
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
            return n > 0;
        }
    }

    /** Reads s's inputs into consecutive rows; an input that throws gets its error instead of a row. */
    private void read(Slot s) {
        int row = 0;
        for (int i = 0; i < s.count; i++) {
            s.errors[i] = null;
            s.rowOf[i] = -1;
            if (closed) return;
            PredictionInput in = s.inputs[i];
            try {
                in.read(s.x, row * exampleSize);
                s.rowOf[i] = row++;
            } catch (RuntimeException e) {
                s.errors[i] = errorText(in.name(), e);
            }
        }
        s.rows = row;
        Arrays.fill(s.x, row * exampleSize, s.x.length, 0f);
    }

    /** The one-line message without the name it usually starts with (results carry the name apart). */
    static String errorText(String name, RuntimeException e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) return e.getClass().getSimpleName();
        m = m.strip().replaceAll("\\s+", " ");
        if (!(e instanceof FoveaException)) m = e.getClass().getSimpleName() + ": " + m;
        else if (m.startsWith(name + ": ")) m = m.substring(name.length() + 2);
        return m;
    }
}

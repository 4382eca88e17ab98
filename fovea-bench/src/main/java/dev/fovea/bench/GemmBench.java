package dev.fovea.bench;

import dev.fovea.ops.gemm.Gemm;
import dev.fovea.tensor.Parallel;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of {@link Gemm} (and, for comparison, the simple loop it replaced) on the shapes of
 * {@link GemmShape}. Besides calls per second, JMH prints the secondary result {@code gflop},
 * which is GFLOP/s (2 m n k per call).
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -jar fovea-bench/target/benchmarks.jar GemmBench
 *   ... GemmBench -p shape=SQUARE_1024 -p threads=1,2
 *   ... GemmBench -p shape=TINY_8,CONV1_FORWARD -p impl=fovea,simple
 * </pre>
 * threads = 0 leaves the shared pool as configured (-Dfovea.threads, default the core count).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class GemmBench {
    @Param({"SQUARE_1024", "CONV1_FORWARD", "CONV2_FORWARD", "CONV2_WEIGHT_GRAD", "CONV_WEIGHT_GRAD_43264",
            "CONV2_INPUT_GRAD", "DENSE_FORWARD", "DENSE_WEIGHT_GRAD", "DENSE_INPUT_GRAD", "TINY_8"})
    public GemmShape shape;

    @Param({"0"})
    public int threads;

    /** fovea: Gemm.gemm; simple: the i-p-j loop Gemm used before (single-threaded here). */
    @Param({"fovea"})
    public String impl;

    private float[] a, b, c;

    @Setup
    public void setup() {
        if (threads > 0) Parallel.setThreads(threads);
        if (!impl.equals("fovea") && !impl.equals("simple")) throw new IllegalArgumentException("impl must be fovea or simple, got " + impl);
        SplittableRandom rnd = new SplittableRandom(42);
        a = GflopCounter.randomFloats(rnd, shape.m * shape.k);
        b = GflopCounter.randomFloats(rnd, shape.k * shape.n);
        c = new float[shape.m * shape.n];
    }

    @Benchmark
    public float[] gemm(GflopCounter flops) {
        GemmShape s = shape;
        if (impl.equals("fovea")) {
            Gemm.gemm(s.transA, s.transB, s.m, s.n, s.k, a, 0, s.lda(), b, 0, s.ldb(), 0f, c, 0, s.n);
        } else {
            SimpleLoopGemm.gemm(s.transA, s.transB, s.m, s.n, s.k, a, 0, s.lda(), b, 0, s.ldb(), 0f, c, 0, s.n);
        }
        flops.gflop += s.gflop();
        return c;
    }
}

package dev.fovea.bench;

import dev.fovea.ops.Conv2DOp;
import dev.fovea.ops.Conv2DReference;
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
 * Throughput of Conv2D's three passes (forward with fused ReLU, kernel gradient, kernel and input
 * gradient) on the layers of {@link ConvShape}, batch 64, with the kernels training uses
 * ({@code impl=fovea}: {@link Conv2DOp}, which picks direct or im2col+GEMM per shape) or the plain
 * reference loops ({@code impl=reference}). The secondary result {@code gflop} is GFLOP/s.
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -jar fovea-bench/target/benchmarks.jar ConvBench
 *   ... ConvBench -p shape=W1_CONV2 -p threads=1,2
 *   ... ConvBench.forward -p impl=fovea,reference -p shape=W1_CONV1
 * </pre>
 * threads = 0 leaves the shared pool as configured (-Dfovea.threads, default the core count).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class ConvBench {
    @Param({"W1_CONV1", "W1_CONV2", "W2_CONV1", "W2_CONV2", "SAME_28x32"})
    public ConvShape shape;

    @Param({"0"})
    public int threads;

    /** fovea: Conv2DOp as training runs it; reference: Conv2DReference's plain loops (one thread). */
    @Param({"fovea"})
    public String impl;

    private final Conv2DOp op = new Conv2DOp();
    private float[] x, kernel, bias, out, dy, dx, dKernel, dBias;

    @Setup
    public void setup() {
        if (threads > 0) Parallel.setThreads(threads);
        if (!impl.equals("fovea") && !impl.equals("reference")) throw new IllegalArgumentException("impl must be fovea or reference, got " + impl);
        SplittableRandom rnd = new SplittableRandom(42);
        x = GflopCounter.randomFloats(rnd, shape.inputSize());
        kernel = GflopCounter.randomFloats(rnd, shape.kernelSize());
        bias = GflopCounter.randomFloats(rnd, shape.f);
        out = new float[shape.outputSize()];
        dy = GflopCounter.randomFloats(rnd, shape.outputSize());
        dx = new float[shape.inputSize()];
        dKernel = new float[shape.kernelSize()];
        dBias = new float[shape.f];
        // Backward reads what forward kept (the input, or its im2col patches): run forward once.
        forward(new GflopCounter());
    }

    /** out (64, OH, OW, F) = relu(x * kernel + bias) (the reference loops leave out the ReLU pass). */
    @Benchmark
    public float[] forward(GflopCounter flops) {
        if (impl.equals("fovea")) {
            op.forward(out, x, kernel, bias, true, ConvShape.BATCH, shape.c, shape.f, shape.geometry);
        } else {
            Conv2DReference.forward(out, x, kernel, bias, ConvShape.BATCH, shape.c, shape.f, shape.geometry);
        }
        flops.gflop += shape.gflop();
        return out;
    }

    /** dKernel and dBias only, as for a first layer (no input gradient). */
    @Benchmark
    public float[] kernelGradient(GflopCounter flops) {
        if (impl.equals("fovea")) {
            op.backward(null, dKernel, dBias, dy, kernel, ConvShape.BATCH, shape.c, shape.f, shape.geometry, true, true);
        } else {
            Conv2DReference.backward(null, dKernel, dBias, dy, x, kernel, ConvShape.BATCH, shape.c, shape.f, shape.geometry);
        }
        flops.gflop += shape.gflop();
        return dKernel;
    }

    /** dKernel, dBias and dx: the whole backward pass of a hidden layer. */
    @Benchmark
    public float[] fullBackward(GflopCounter flops) {
        if (impl.equals("fovea")) {
            op.backward(dx, dKernel, dBias, dy, kernel, ConvShape.BATCH, shape.c, shape.f, shape.geometry, true, true);
        } else {
            Conv2DReference.backward(dx, dKernel, dBias, dy, x, kernel, ConvShape.BATCH, shape.c, shape.f, shape.geometry);
        }
        flops.gflop += 2 * shape.gflop();
        return dx;
    }
}

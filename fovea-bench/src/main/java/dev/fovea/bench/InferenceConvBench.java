package dev.fovea.bench;

import dev.fovea.ops.Conv2DOp;
import dev.fovea.ops.DepthwiseConv2D;
import dev.fovea.ops.GroupedConv2DOp;
import dev.fovea.ops.PointwiseConv;
import dev.fovea.ops.Window2D;
import dev.fovea.ops.WindowGeometry;
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
 * Batch-1 forward time of the convolutions real networks are made of (MobileNetV2, EfficientNet,
 * ResNet layers at 224x224), per kernel, in calls per second; the secondary result
 * {@code gflop} is GFLOP/s. Warm-up must be long: a call takes up to milliseconds and the Vector
 * API code runs interpreted until C2 compiles it. {@code layer} is "HxWxCxFxKxSxG" (stride S, G groups) with "same" padding
 * (K/2 on every side). {@code impl}:
 * <ul>
 *   <li>{@code general}: what ran before the specialised kernels: Conv2DOp (direct or im2col +
 *       GEMM) for groups = 1, GroupedConv2DOp's per-group im2col + GEMM otherwise;</li>
 *   <li>{@code pointwise}: {@link PointwiseConv} (1x1 only); {@code depthwise}:
 *       {@link DepthwiseConv2D} (groups = C = F only); {@code routed}: what Conv2DOp and
 *       GroupedConv2DOp pick at inference today (PointwiseConv for deep 1x1 layers, Winograd3x3
 *       for 3x3 stride-1 layers of 64 channels or more, DepthwiseConv2D).</li>
 * </ul>
 * <pre>
 *   java --add-modules jdk.incubator.vector -jar fovea-bench/target/benchmarks.jar InferenceConvBench -p impl=general,depthwise -p layer=112x112x96x96x3x2x96
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
public class InferenceConvBench {
    @Param({"112x112x32x32x3x1x32", "112x112x96x96x3x2x96", "56x56x144x144x3x1x144", "14x14x576x576x3x1x576",
            "28x28x240x240x5x1x240", "14x14x672x672x5x2x672",
            "112x112x32x16x1x1x1", "56x56x24x144x1x1x1", "56x56x144x24x1x1x1", "14x14x384x64x1x1x1", "7x7x960x320x1x1x1",
            "56x56x64x128x1x2x1", "56x56x64x64x3x1x1", "28x28x128x128x3x1x1", "14x14x256x256x3x1x1", "7x7x512x512x3x1x1"})
    public String layer;

    @Param({"general", "routed"})
    public String impl;

    @Param({"0"})
    public int threads;

    private int h, w, c, f, k, s, groups;
    private Window2D window;
    private WindowGeometry plain;
    private final Conv2DOp conv = new Conv2DOp();
    private final GroupedConv2DOp grouped = new GroupedConv2DOp();
    private float[] x, kernel, bias, out;
    private double gflop;

    @Setup
    public void setup() {
        if (threads > 0) Parallel.setThreads(threads);
        String[] p = layer.split("x");
        h = Integer.parseInt(p[0]); w = Integer.parseInt(p[1]); c = Integer.parseInt(p[2]); f = Integer.parseInt(p[3]);
        k = Integer.parseInt(p[4]); s = Integer.parseInt(p[5]); groups = Integer.parseInt(p[6]);
        window = Window2D.of(h, w, k, k, s, s, 1, 1, k / 2, k / 2, k / 2, k / 2, false, layer);
        plain = window.toWindowGeometry();
        boolean ok = switch (impl) {
            case "general", "routed" -> true;
            case "pointwise" -> groups == 1 && PointwiseConv.supportsWindow(plain);
            case "depthwise" -> DepthwiseConv2D.supports(c, f, groups);
            default -> throw new IllegalArgumentException("impl must be general, routed, pointwise or depthwise, got " + impl);
        };
        if (!ok) throw new IllegalArgumentException(impl + " does not run layer " + layer);
        SplittableRandom rnd = new SplittableRandom(42);
        x = GflopCounter.randomFloats(rnd, h * w * c);
        kernel = GflopCounter.randomFloats(rnd, k * k * (c / groups) * f);
        bias = GflopCounter.randomFloats(rnd, f);
        out = new float[window.outH() * window.outW() * f];
        gflop = 2.0 * window.outH() * window.outW() * k * k * (c / groups) * f / 1e9;
    }

    @Benchmark
    public float[] forward(GflopCounter flops) {
        switch (impl) {
            case "general" -> {
                if (groups == 1) conv.forward(out, x, kernel, bias, 1, c, f, plain);
                else grouped.forwardLowered(out, x, kernel, bias, 1, c, f, groups, window);
            }
            case "routed" -> {
                // As an inference pass calls it: with a weight version, so 3x3 layers may take Winograd.
                if (groups == 1) conv.forward(out, x, kernel, 1L, bias, false, 1, c, f, plain);
                else grouped.forward(out, x, kernel, bias, 1, c, f, groups, window);
            }
            case "pointwise" -> PointwiseConv.forward(out, x, kernel, bias, false, 1, c, f, plain);
            default -> DepthwiseConv2D.forward(out, x, kernel, bias, 1, c, window);
        }
        flops.gflop += gflop;
        return out;
    }
}

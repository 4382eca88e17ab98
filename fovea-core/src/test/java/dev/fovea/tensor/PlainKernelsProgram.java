package dev.fovea.tensor;

import dev.fovea.nn.ActivationLayer;
import dev.fovea.nn.BatchNormalization;
import dev.fovea.nn.Conv2D;
import dev.fovea.nn.Dense;
import dev.fovea.nn.Flatten;
import dev.fovea.nn.MaxPool2D;
import dev.fovea.model.Sequential;
import dev.fovea.nn.Parameter;
import dev.fovea.optim.Adam;
import dev.fovea.train.FitOptions;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A small CNN trained for a few steps and then asked for predictions, printing the numbers: run in
 * a JVM with and without {@code jdk.incubator.vector} by {@link PlainKernelsTest}, which compares
 * the two. Its layers reach every kernel that has a Vector API route: direct convolution and its
 * kernel gradient, im2col's col2im, 2x2 max pooling, channels-last batch normalisation (16
 * channels: a whole AVX-512 vector), Dense by GEMM and by rows (one image), ReLU and Adam.
 */
public final class PlainKernelsProgram {
    private PlainKernelsProgram() {}

    /** First line: whether the Vector API ran; then the predictions and a sum over every weight. */
    public static String run() {
        Parallel.setThreads(2);
        Sequential m = Sequential.of(
                new Conv2D(16, 3, "relu"),
                new MaxPool2D(2, 2),
                new Conv2D(16, 3).padding("same").useBias(false),
                new BatchNormalization(),
                new ActivationLayer("relu"),
                new Flatten(),
                new Dense(24, "relu"),
                new Dense(3, "softmax"));
        m.seed(5).build(12, 12, 3);
        m.compile(new Adam(0.003), "sparse_categorical_crossentropy", "accuracy");
        SplittableRandom r = new SplittableRandom(9);
        Tensor x = Tensor.zeros(48, 12, 12, 3);
        int[] y = new int[48];
        float[] d = x.data();
        for (int i = 0; i < 48; i++) {
            y[i] = i % 3;
            for (int j = 0; j < 12 * 12 * 3; j++) d[i * 432 + j] = (float) (r.nextDouble() * 0.5 + (j % 3 == y[i] ? 0.5 : 0));
        }
        m.fit(x, y, FitOptions.epochs(2).batchSize(16).seed(3));
        StringBuilder out = new StringBuilder();
        out.append("vector ").append(VectorSupport.available()).append('\n');
        append(out, m.predict(x).data());
        Tensor one = Tensor.zeros(1, 12, 12, 3);
        System.arraycopy(d, 0, one.data(), 0, 432);
        append(out, m.predict(one).data());
        double sum = 0;
        for (Parameter p : m.parameters()) for (float v : p.value().data()) sum += v;
        out.append(String.format(Locale.ROOT, "%.6f%n", sum));
        return out.toString();
    }

    private static void append(StringBuilder out, float[] values) {
        for (float v : values) out.append(String.format(Locale.ROOT, "%.7f ", v));
        out.append('\n');
    }

    public static void main(String[] args) {
        System.out.print(run());
    }
}

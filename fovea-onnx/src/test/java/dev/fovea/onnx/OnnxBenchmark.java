package dev.fovea.onnx;

import dev.fovea.nn.ForwardContext;
import dev.fovea.model.Model;
import dev.fovea.model.Presets;
import dev.fovea.model.Sequential;
import dev.fovea.onnx.exp.OnnxExporter;
import dev.fovea.onnx.imp.OnnxImporter;
import dev.fovea.onnx.imp.ProtoFiles;
import dev.fovea.onnx.proto.OnnxProto.ModelProto;
import dev.fovea.tensor.Parallel;
import dev.fovea.tensor.Tensor;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Inference time, Fovea against ONNX Runtime for Java on this machine, medians of repeated runs
 * (not a unit test: run with scripts/onnx-bench). Both use every core; Fovea is timed on its own
 * NHWC input, ORT on the NCHW one (the tensor copy into ORT included); the two alternate run by run.
 */
public final class OnnxBenchmark {
    private OnnxBenchmark() {}

    /** args: optionally the thread count for both runtimes (default: every core). */
    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            Parallel.setThreads(Integer.parseInt(args[0]));
            Ort.threads = Integer.parseInt(args[0]);
        }
        System.out.printf(Locale.ROOT, "cores %d, fovea threads %d, load average %.2f%n", Runtime.getRuntime().availableProcessors(),
                Parallel.threads(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        ModelProto resnet = LightModelsVsOrtTest.randomized(
                ProtoFiles.readModel(ConformanceSuiteTest.root().resolve("light/light_resnet50.onnx")), new SplittableRandom(1));
        compare("light_resnet50 (random weights), batch 1", resnet, 1, 3, 21);
        Sequential notes = Presets.notes(0);
        notes.seed(1).build(28, 28, 1);
        ModelProto exported = OnnxExporter.export(notes);
        compare("course-notes model (exported), batch 1", exported, 1, 50, 400);
        compare("course-notes model (exported), batch 64", exported, 64, 5, 40);
    }

    static void compare(String what, ModelProto proto, int batch, int warmup, int runs) throws Exception {
        OnnxModel m = OnnxImporter.load(proto, what, null, OnnxOptions.defaults());
        Model model = m.model();
        Tensor x = ExportOrtTest.input(model.inputShape(), batch, 2);
        int[] dims = m.inputDims();
        dims[0] = batch;
        float[] onnxIn = m.inputHolding().toOnnx(x.data(), dims);
        double[] fovea = new double[runs], ort = new double[runs];
        try (Ort session = new Ort(proto.toByteArray())) {
            for (int i = 0; i < warmup; i++) {
                model.forward(x, ForwardContext.INFERENCE);
                session.run(onnxIn, dims);
            }
            // Alternate the two runtimes so that other load on the machine falls on both alike.
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                model.forward(x, ForwardContext.INFERENCE);
                long t1 = System.nanoTime();
                session.run(onnxIn, dims);
                long t2 = System.nanoTime();
                fovea[i] = (t1 - t0) / 1e6;
                ort[i] = (t2 - t1) / 1e6;
            }
        }
        double f = median(fovea), o = median(ort);
        System.out.printf(Locale.ROOT, "%-45s Fovea %9.2f ms   ONNX Runtime %9.2f ms   Fovea/ORT %6.2f   (medians of %d)%n", what, f, o, f / o, runs);
    }

    static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}

package dev.fovea.onnx;

import dev.fovea.onnx.check.Conformance;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Developer entry point: prints one line per test under the given paths. */
public final class RunConformance {
    public static void main(String[] args) {
        List<Path> paths = Arrays.stream(args).map(Path::of).toList();
        int[] counts = new int[2];
        Conformance.run(paths, r -> {
            counts[r.passed() ? 0 : 1]++;
            System.out.printf("%s %-40s %s max_abs %.3e vs_float64 %.3e expected_vs_float64 %.3e allowed %.3e import %.2fs %s%n",
                    r.passed() ? "PASS" : "FAIL", r.name(), r.rule(), r.maxAbs(), r.vsFloat64(), r.expectedVsFloat64(), r.bound(),
                    r.importSeconds(), r.message());
        });
        System.out.println(counts[0] + " passed, " + counts[1] + " failed");
    }
}

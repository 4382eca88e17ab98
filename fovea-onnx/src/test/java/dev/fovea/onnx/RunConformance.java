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
            System.out.printf("%s %-50s max_abs %.3e max_rel %.3e %s%n", r.passed() ? "PASS" : "FAIL", r.name(), r.maxAbs(), r.maxRel(), r.message());
        });
        System.out.println(counts[0] + " passed, " + counts[1] + " failed");
    }
}

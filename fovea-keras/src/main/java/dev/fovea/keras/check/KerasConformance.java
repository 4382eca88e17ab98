package dev.fovea.keras.check;

import dev.fovea.FoveaException;
import dev.fovea.json.Json;
import dev.fovea.json.JsonObject;
import dev.fovea.keras.Keras;
import dev.fovea.keras.KerasModel;
import dev.fovea.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Runs Keras conformance cases through the importer. A case is a folder holding the model
 * ({@code model.h5}, {@code model.keras}, or an unzipped {@code model} folder), {@code input.npy},
 * the expected {@code output.npy} (then {@code output_1.npy}, ... for further outputs, in the
 * model's output order) and optionally {@code case.json} with {@code rtol} and {@code atol}. It
 * passes when every element satisfies |actual - expected| <= atol + rtol · |expected| and every
 * shape matches.
 */
public final class KerasConformance {
    /** Used when a case has no case.json. */
    public static final double DEFAULT_RTOL = 1e-4, DEFAULT_ATOL = 1e-5;

    /** The outcome of one case; maxAbs/maxRel are NaN when it did not run. */
    public record Result(String name, boolean passed, double maxAbs, double maxRel, String message) {}

    private KerasConformance() {}

    /** Finds and runs every case under the paths, reporting each result as it completes. */
    public static List<Result> run(List<Path> paths, Consumer<Result> report) {
        List<Result> all = new ArrayList<>();
        for (Path p : paths) {
            List<Path> cases = discover(p);
            if (cases.isEmpty()) throw new FoveaException(p + ": no Keras cases found (a folder with model.h5 or model.keras and input.npy, or folders of them)");
            for (Path c : cases) {
                Result r = runOne(c);
                all.add(r);
                report.accept(r);
            }
        }
        return all;
    }

    /** Case folders under p, sorted. */
    public static List<Path> discover(Path p) {
        if (!Files.isDirectory(p)) throw new FoveaException(p + ": no such folder");
        List<Path> out = new ArrayList<>();
        if (model(p) != null) {
            out.add(p);
            return out;
        }
        try (Stream<Path> children = Files.list(p)) {
            for (Path c : children.sorted().toList()) if (Files.isDirectory(c)) out.addAll(discover(c));
        } catch (IOException e) {
            throw new FoveaException(p + ": cannot list (" + e.getMessage() + ")");
        }
        return out;
    }

    private static Path model(Path dir) {
        if (!Files.isRegularFile(dir.resolve("input.npy"))) return null;
        for (String n : List.of("model.h5", "model.keras", "model")) if (Files.exists(dir.resolve(n))) return dir.resolve(n);
        return null;
    }

    public static Result runOne(Path dir) {
        String name = dir.getFileName().toString();
        try {
            double rtol = DEFAULT_RTOL, atol = DEFAULT_ATOL;
            Path caseJson = dir.resolve("case.json");
            if (Files.isRegularFile(caseJson)) {
                if (Files.size(caseJson) > 1 << 20) throw new FoveaException(caseJson + ": larger than 1 MB");
                JsonObject c = JsonObject.of(Json.parse(Files.readAllBytes(caseJson), caseJson.toString()), caseJson.toString());
                rtol = c.optionalDouble("rtol", rtol);
                atol = c.optionalDouble("atol", atol);
            }
            Tensor input = Npy.read(dir.resolve("input.npy"));
            List<Tensor> expected = new ArrayList<>();
            expected.add(Npy.read(dir.resolve("output.npy")));
            for (int k = 1; Files.isRegularFile(dir.resolve("output_" + k + ".npy")); k++) expected.add(Npy.read(dir.resolve("output_" + k + ".npy")));
            int[] perExample = Arrays.copyOfRange(input.shape().toArray(), 1, input.shape().rank());
            KerasModel m = Keras.load(model(dir), perExample);
            List<Tensor> actual = m.run(input);
            if (actual.size() != expected.size()) {
                return new Result(name, false, Double.NaN, Double.NaN, "the model has " + actual.size() + " outputs, the case expects " + expected.size());
            }
            return compare(name, actual, expected, rtol, atol);
        } catch (FoveaException | IOException | OutOfMemoryError e) {
            return new Result(name, false, Double.NaN, Double.NaN, e.getMessage());
        } catch (RuntimeException e) {
            // A bug rather than bad input: still one line per case, so the run goes on.
            return new Result(name, false, Double.NaN, Double.NaN, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    static Result compare(String name, List<Tensor> actual, List<Tensor> expected, double rtol, double atol) {
        double maxAbs = 0, maxRel = 0;
        String failure = null;
        for (int k = 0; k < actual.size(); k++) {
            Tensor a = actual.get(k), e = expected.get(k);
            if (!a.shape().equals(e.shape())) {
                return new Result(name, false, Double.NaN, Double.NaN, "output " + k + " has shape " + a.shape() + ", expected " + e.shape());
            }
            float[] x = a.data(), y = e.data();
            for (int i = 0; i < x.length; i++) {
                double err = Math.abs((double) x[i] - y[i]);
                if (Double.isNaN(err)) err = Double.POSITIVE_INFINITY;
                maxAbs = Math.max(maxAbs, err);
                if (y[i] != 0) maxRel = Math.max(maxRel, err / Math.abs(y[i]));
                if (!(err <= atol + rtol * Math.abs(y[i])) && failure == null) {
                    failure = "output " + k + " element " + i + ": " + x[i] + " vs expected " + y[i]
                            + " (beyond |a - e| <= " + atol + " + " + rtol + " |e|)";
                }
            }
        }
        return new Result(name, failure == null, maxAbs, maxRel, failure == null ? "" : failure);
    }
}

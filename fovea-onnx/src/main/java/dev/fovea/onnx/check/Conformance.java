package dev.fovea.onnx.check;

import dev.fovea.FoveaException;
import dev.fovea.onnx.OnnxModel;
import dev.fovea.onnx.OnnxOptions;
import dev.fovea.onnx.OnnxTensor;
import dev.fovea.onnx.imp.OnnxImporter;
import dev.fovea.onnx.imp.ProtoFiles;
import dev.fovea.onnx.imp.TensorDecoder;
import dev.fovea.onnx.proto.OnnxProto.ModelProto;
import dev.fovea.onnx.proto.OnnxProto.TensorProto;
import dev.fovea.onnx.proto.OnnxProto.TensorShapeProto;
import dev.fovea.onnx.proto.OnnxProto.ValueInfoProto;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Runs ONNX backend tests through Fovea's importer and compares every output element with the
 * stored one by the ONNX suite's rule |actual - expected| <= 1e-7 + 1e-3 · |expected|. Two
 * layouts are understood: a test folder (model.onnx and test_data_set_N/input_K.pb,
 * output_K.pb), and a light model (light_X.onnx beside light_X_output_K.pb, fed for each graph
 * input that is not an initializer arange(n) / n in its declared shape, unnamed axes as 1). A
 * path may also be a folder holding such tests, at any depth. Graph inputs after the first are
 * bound to their test values as constants (a Fovea model has one input).
 */
public final class Conformance {
    public static final double RTOL = 1e-3, ATOL = 1e-7;

    /** The outcome of one test (one data set of a test folder). */
    public record Result(String name, boolean passed, double maxAbs, double maxRel, String message) {}

    private Conformance() {}

    /** Finds and runs every test under the paths, reporting each result as it completes. */
    public static List<Result> run(List<Path> paths, Consumer<Result> report) {
        List<Result> all = new ArrayList<>();
        for (Path p : paths) {
            List<Path> tests = discover(p);
            if (tests.isEmpty()) throw new FoveaException(p + ": no ONNX tests found (a folder with model.onnx, a light_X.onnx file, or folders of them)");
            for (Path t : tests) {
                for (Result r : runOne(t)) {
                    all.add(r);
                    report.accept(r);
                }
            }
        }
        return all;
    }

    /** Test folders and light model files under p, sorted. */
    public static List<Path> discover(Path p) {
        List<Path> out = new ArrayList<>();
        if (Files.isRegularFile(p)) {
            if (p.getFileName().toString().equals("model.onnx")) out.add(p.getParent() == null ? Path.of(".") : p.getParent());
            else if (p.toString().endsWith(".onnx")) out.add(p);
            return out;
        }
        if (!Files.isDirectory(p)) throw new FoveaException(p + ": no such file or folder");
        if (Files.isRegularFile(p.resolve("model.onnx"))) {
            out.add(p);
            return out;
        }
        try (Stream<Path> children = Files.list(p)) {
            for (Path c : children.sorted().toList()) {
                String name = c.getFileName().toString();
                if (Files.isDirectory(c)) out.addAll(discover(c));
                else if (name.endsWith(".onnx") && Files.isRegularFile(lightOutput(c, 0))) out.add(c);
            }
        } catch (IOException e) {
            throw new FoveaException(p + ": cannot list (" + e.getMessage() + ")");
        }
        return out;
    }

    private static Path lightOutput(Path model, int k) {
        String stem = model.getFileName().toString().replaceFirst("\\.onnx$", "");
        return model.resolveSibling(stem + "_output_" + k + ".pb");
    }

    /** Runs one test folder (each of its data sets) or one light model. */
    public static List<Result> runOne(Path test) {
        boolean light = Files.isRegularFile(test);
        String name = light ? test.getFileName().toString().replaceFirst("\\.onnx$", "") : test.getFileName().toString();
        List<Result> results = new ArrayList<>();
        try {
            Path modelFile = light ? test : test.resolve("model.onnx");
            ModelProto proto = ProtoFiles.readModel(modelFile);
            if (light) {
                results.add(runLight(name, modelFile, proto));
            } else {
                List<Path> sets;
                try (Stream<Path> s = Files.list(test)) {
                    sets = s.filter(c -> Files.isDirectory(c) && c.getFileName().toString().startsWith("test_data_set_")).sorted().toList();
                }
                if (sets.isEmpty()) throw new FoveaException(test + ": no test_data_set_* folder");
                for (Path set : sets) {
                    String label = sets.size() == 1 ? name : name + "/" + set.getFileName();
                    results.add(runSet(label, modelFile, proto, set));
                }
            }
        } catch (FoveaException | IOException | OutOfMemoryError e) {
            results.add(new Result(name, false, Double.NaN, Double.NaN, e.getMessage()));
        } catch (RuntimeException e) {
            // A bug rather than bad input: still one line per test, so the run goes on.
            results.add(new Result(name, false, Double.NaN, Double.NaN, e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
        return results;
    }

    private static List<ValueInfoProto> feedInputs(ModelProto proto) {
        Set<String> init = new HashSet<>();
        for (TensorProto t : proto.getGraph().getInitializerList()) init.add(t.getName());
        List<ValueInfoProto> feeds = new ArrayList<>();
        for (ValueInfoProto v : proto.getGraph().getInputList()) if (!init.contains(v.getName())) feeds.add(v);
        return feeds;
    }

    private static Result runSet(String name, Path modelFile, ModelProto proto, Path set) {
        TensorDecoder decoder = new TensorDecoder(set.toString(), null);
        List<ValueInfoProto> feeds = feedInputs(proto);
        List<OnnxTensor> inputs = new ArrayList<>();
        for (int i = 0; i < feeds.size(); i++) {
            Path f = set.resolve("input_" + i + ".pb");
            inputs.add(decoder.decode(ProtoFiles.readTensor(f), "input_" + i + ".pb"));
        }
        List<OnnxTensor> expected = new ArrayList<>();
        for (int i = 0; Files.isRegularFile(set.resolve("output_" + i + ".pb")); i++) {
            expected.add(decoder.decode(ProtoFiles.readTensor(set.resolve("output_" + i + ".pb")), "output_" + i + ".pb"));
        }
        return compare(name, modelFile, proto, feeds, inputs, expected);
    }

    private static Result runLight(String name, Path modelFile, ModelProto proto) {
        TensorDecoder decoder = new TensorDecoder(modelFile.toString(), null);
        List<ValueInfoProto> feeds = feedInputs(proto);
        List<OnnxTensor> inputs = new ArrayList<>();
        for (ValueInfoProto v : feeds) inputs.add(arange(v, modelFile));
        List<OnnxTensor> expected = new ArrayList<>();
        for (int i = 0; Files.isRegularFile(lightOutput(modelFile, i)); i++) {
            expected.add(decoder.decode(ProtoFiles.readTensor(lightOutput(modelFile, i)), lightOutput(modelFile, i).getFileName().toString()));
        }
        return compare(name, modelFile, proto, feeds, inputs, expected);
    }

    /** arange(n) / n in the declared shape (unnamed axes count as 1), as the light tests are fed. */
    static OnnxTensor arange(ValueInfoProto v, Path file) {
        if (!v.getType().hasTensorType()) throw new FoveaException(file + ": input \"" + v.getName() + "\" is not a tensor");
        TensorShapeProto shape = v.getType().getTensorType().getShape();
        int[] d = new int[shape.getDimCount()];
        for (int i = 0; i < d.length; i++) {
            long dv = shape.getDim(i).hasDimValue() ? shape.getDim(i).getDimValue() : 1;
            if (dv < 0 || dv > 1 << 24) throw new FoveaException(file + ": input \"" + v.getName() + "\" axis " + i + " has size " + dv);
            d[i] = (int) dv;
        }
        long n = OnnxTensor.count(d);
        if (n < 0) throw new FoveaException(file + ": input \"" + v.getName() + "\" is too large");
        float[] f = new float[(int) n];
        for (int i = 0; i < f.length; i++) f[i] = (float) ((double) i / n);
        return OnnxTensor.ofFloats(d, f);
    }

    private static Result compare(String name, Path modelFile, ModelProto proto, List<ValueInfoProto> feeds,
                                  List<OnnxTensor> inputs, List<OnnxTensor> expected) {
        if (feeds.isEmpty()) throw new FoveaException(modelFile + ": the graph has no input to feed");
        if (expected.isEmpty()) throw new FoveaException(modelFile + ": no expected output (output_0.pb)");
        Map<String, OnnxTensor> bindings = new LinkedHashMap<>();
        for (int i = 1; i < feeds.size(); i++) bindings.put(feeds.get(i).getName(), inputs.get(i));
        OnnxOptions options = OnnxOptions.defaults().withInputDims(inputs.get(0).dims()).withBindings(bindings);
        OnnxModel model = OnnxImporter.load(proto, modelFile.toString(), null, options);
        Map<String, OnnxTensor> outputs = model.run(inputs.get(0));
        if (outputs.size() < expected.size()) {
            throw new FoveaException(modelFile + ": the graph has " + outputs.size() + " outputs, the test expects " + expected.size());
        }
        double maxAbs = 0, maxRel = 0;
        int k = 0;
        for (OnnxTensor actual : outputs.values()) {
            if (k >= expected.size()) break;
            OnnxTensor e = expected.get(k);
            if (!Arrays.equals(actual.dims(), e.dims())) {
                return new Result(name, false, Double.NaN, Double.NaN, "output " + k + " has dims " + Arrays.toString(actual.dims())
                        + ", expected " + Arrays.toString(e.dims()));
            }
            float[] a = actual.floats(), x = e.floats();
            boolean ok = true;
            for (int i = 0; i < a.length; i++) {
                double err = Math.abs((double) a[i] - x[i]);
                if (Double.isNaN(a[i]) && Double.isNaN(x[i])) continue;
                if (Double.isNaN(err)) err = Double.POSITIVE_INFINITY;
                maxAbs = Math.max(maxAbs, err);
                if (x[i] != 0) maxRel = Math.max(maxRel, err / Math.abs(x[i]));
                ok &= err <= ATOL + RTOL * Math.abs(x[i]);
            }
            if (!ok) {
                return new Result(name, false, maxAbs, maxRel, "output " + k + " differs beyond |a - e| <= 1e-7 + 1e-3 |e|");
            }
            k++;
        }
        return new Result(name, true, maxAbs, maxRel, model.batched() ? "" : "(held whole: the graph computes across axis 0)");
    }
}

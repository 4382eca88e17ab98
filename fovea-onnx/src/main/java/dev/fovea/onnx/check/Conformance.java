package dev.fovea.onnx.check;

import dev.fovea.FoveaException;
import dev.fovea.onnx.OnnxModel;
import dev.fovea.onnx.OnnxOptions;
import dev.fovea.onnx.OnnxTensor;
import dev.fovea.onnx.imp.MappedModel;
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
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Runs ONNX backend tests through Fovea's importer and compares the outputs with the stored ones.
 * Two layouts are understood: a test folder (model.onnx and test_data_set_N/input_K.pb,
 * output_K.pb, optionally reference_K.pb in float64), and a light model (light_X.onnx beside
 * light_X_output_K.pb, fed for each graph input that is not an initializer arange(n) / n in its
 * declared shape, unnamed axes as 1). A path may also be a folder holding such tests, at any depth.
 * Graph inputs after the first are bound to their test values as constants (a Fovea model has one
 * input).
 *
 * <p>Two rules, because the two kinds of test measure different things (fovea-onnx/README.md):
 * <ul>
 * <li>Node tests (a folder under one named {@code node}, as the ONNX suite lays them out, or a
 *     graph of one operator): every element within the ONNX suite's |a - e| <= 1e-7 + 1e-3 |e|.
 *     One operator's float32 result differs from numpy's only by a few roundings.</li>
 * <li>Model cases (everything else): a deep float32 network's outputs differ from another float32
 *     implementation's by rounding amplified through many layers, and near-zero outputs have no
 *     meaningful relative error; the error is judged against the output's scale,
 *     max|a - e| <= 1e-4 max|e| + 1e-6. When the case carries a float64 run of the model
 *     (reference_K.pb) the test instead asks that Fovea be about as accurate as the exporter's own
 *     float32: max|a - r| <= 3 max|e - r| + 1e-6 max|r|.</li>
 * </ul>
 */
public final class Conformance {
    /** The node-test rule (the ONNX backend suite's). */
    public static final double RTOL = 1e-3, ATOL = 1e-7;
    /** The model rule against the float32 output: max|a - e| <= SCALE_TOL * max|e| + SCALE_ATOL. */
    public static final double SCALE_TOL = 1e-4, SCALE_ATOL = 1e-6;
    /** The model rule against a float64 reference: max|a - r| <= REF_FACTOR * max|e - r| + REF_FLOOR * max|r|. */
    public static final double REF_FACTOR = 3, REF_FLOOR = 1e-6;

    /** Which rule judged a test. */
    public enum Rule { NODE, MODEL_SCALE, MODEL_FLOAT64 }

    /**
     * The outcome of one test (one data set of a test folder). maxAbs and maxRel compare with the
     * stored float32 output; vsFloat64 is Fovea's max abs error against the float64 reference and
     * expectedVsFloat64 the stored output's own (both NaN without a reference); bound is the
     * largest error the rule allowed on the deciding measure (NaN for node tests, judged per element);
     * importSeconds the time the import took (wall clock, parsing excluded).
     */
    public record Result(String name, boolean passed, Rule rule, double maxAbs, double maxRel, double vsFloat64,
                         double expectedVsFloat64, double bound, double importSeconds, String message) {
        static Result failed(String name, String message) {
            return new Result(name, false, null, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, message);
        }
    }

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
            MappedModel.Parsed parsed = ProtoFiles.mapModel(modelFile);
            ModelProto proto = parsed.proto();
            if (light) {
                results.add(runLight(name, modelFile, parsed));
            } else {
                List<Path> sets;
                try (Stream<Path> s = Files.list(test)) {
                    sets = s.filter(c -> Files.isDirectory(c) && c.getFileName().toString().startsWith("test_data_set_")).sorted().toList();
                }
                if (sets.isEmpty()) throw new FoveaException(test + ": no test_data_set_* folder");
                for (Path set : sets) {
                    String label = sets.size() == 1 ? name : name + "/" + set.getFileName();
                    results.add(runSet(label, modelFile, parsed, set, isNodeTest(test, proto)));
                }
            }
        } catch (FoveaException | IOException | OutOfMemoryError e) {
            results.add(Result.failed(name, e.getMessage()));
        } catch (RuntimeException e) {
            // A bug rather than bad input: still one line per test, so the run goes on.
            results.add(Result.failed(name, e.getClass().getSimpleName() + ": " + e.getMessage()));
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

    /** A node test: under a folder named node (the ONNX suite's layout), or a graph of one operator. */
    static boolean isNodeTest(Path test, ModelProto proto) {
        for (Path p = test.toAbsolutePath().getParent(); p != null && p.getFileName() != null; p = p.getParent()) {
            if (p.getFileName().toString().equals("node")) return true;
        }
        long ops = proto.getGraph().getNodeList().stream().filter(n -> !n.getOpType().equals("Constant")).count();
        return ops <= 1;
    }

    private static Result runSet(String name, Path modelFile, MappedModel.Parsed proto, Path set, boolean node) {
        TensorDecoder decoder = new TensorDecoder(set.toString(), null);
        List<ValueInfoProto> feeds = feedInputs(proto.proto());
        List<OnnxTensor> inputs = new ArrayList<>();
        for (int i = 0; i < feeds.size(); i++) {
            Path f = set.resolve("input_" + i + ".pb");
            inputs.add(decoder.decode(ProtoFiles.readTensor(f), "input_" + i + ".pb"));
        }
        List<OnnxTensor> expected = new ArrayList<>();
        for (int i = 0; Files.isRegularFile(set.resolve("output_" + i + ".pb")); i++) {
            expected.add(decoder.decode(ProtoFiles.readTensor(set.resolve("output_" + i + ".pb")), "output_" + i + ".pb"));
        }
        List<double[]> references = new ArrayList<>();
        for (int i = 0; i < expected.size() && Files.isRegularFile(set.resolve("reference_" + i + ".pb")); i++) {
            Path f = set.resolve("reference_" + i + ".pb");
            references.add(doubles(ProtoFiles.readTensor(f), expected.get(i).size(), f));
        }
        return compare(name, modelFile, proto, feeds, inputs, expected, node ? null : references);
    }

    private static Result runLight(String name, Path modelFile, MappedModel.Parsed proto) {
        TensorDecoder decoder = new TensorDecoder(modelFile.toString(), null);
        List<ValueInfoProto> feeds = feedInputs(proto.proto());
        List<OnnxTensor> inputs = new ArrayList<>();
        for (ValueInfoProto v : feeds) inputs.add(arange(v, modelFile));
        List<OnnxTensor> expected = new ArrayList<>();
        for (int i = 0; Files.isRegularFile(lightOutput(modelFile, i)); i++) {
            expected.add(decoder.decode(ProtoFiles.readTensor(lightOutput(modelFile, i)), lightOutput(modelFile, i).getFileName().toString()));
        }
        return compare(name, modelFile, proto, feeds, inputs, expected, List.of());
    }

    /** A float64 reference tensor's values; it must hold exactly the expected output's element count. */
    static double[] doubles(TensorProto t, int count, Path file) {
        if (t.getDataType() != 11) throw new FoveaException(file + ": a float64 reference must be a double tensor, got " + TensorDecoder.typeName(t.getDataType()));
        long declared = 1;
        for (long d : t.getDimsList()) declared = d < 0 || declared * Math.max(d, 1) > Integer.MAX_VALUE ? -1 : declared * d;
        if (declared != count) throw new FoveaException(file + ": dims " + t.getDimsList() + " do not match the expected output's " + count + " elements");
        double[] v = new double[count];
        if (t.hasRawData()) {
            if (t.getRawData().size() != (long) count * 8) throw new FoveaException(file + ": holds " + t.getRawData().size() + " bytes, " + count + " doubles need " + count * 8L);
            t.getRawData().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(v);
        } else {
            if (t.getDoubleDataCount() != count) throw new FoveaException(file + ": holds " + t.getDoubleDataCount() + " doubles, expected " + count);
            for (int i = 0; i < count; i++) v[i] = t.getDoubleData(i);
        }
        return v;
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

    /** references: null for a node test; otherwise the float64 references present (maybe none). */
    private static Result compare(String name, Path modelFile, MappedModel.Parsed proto, List<ValueInfoProto> feeds,
                                  List<OnnxTensor> inputs, List<OnnxTensor> expected, List<double[]> references) {
        if (feeds.isEmpty()) throw new FoveaException(modelFile + ": the graph has no input to feed");
        if (expected.isEmpty()) throw new FoveaException(modelFile + ": no expected output (output_0.pb)");
        Map<String, OnnxTensor> bindings = new LinkedHashMap<>();
        for (int i = 1; i < feeds.size(); i++) bindings.put(feeds.get(i).getName(), inputs.get(i));
        OnnxOptions options = OnnxOptions.defaults().withInputDims(inputs.get(0).dims()).withBindings(bindings);
        long start = System.nanoTime();
        OnnxModel model = OnnxImporter.load(proto.proto(), proto.raw(), modelFile.toString(), null, options);
        double importSeconds = (System.nanoTime() - start) / 1e9;
        Map<String, OnnxTensor> outputs = model.run(inputs.get(0));
        if (outputs.size() < expected.size()) {
            throw new FoveaException(modelFile + ": the graph has " + outputs.size() + " outputs, the test expects " + expected.size());
        }
        boolean node = references == null;
        boolean float64 = !node && references.size() == expected.size();
        Rule rule = node ? Rule.NODE : float64 ? Rule.MODEL_FLOAT64 : Rule.MODEL_SCALE;
        double maxAbs = 0, maxRel = 0, vs64 = float64 ? 0 : Double.NaN, e64 = float64 ? 0 : Double.NaN, bound = node ? Double.NaN : 0;
        String failure = null;
        int k = 0;
        for (OnnxTensor actual : outputs.values()) {
            if (k >= expected.size()) break;
            OnnxTensor e = expected.get(k);
            if (!Arrays.equals(actual.dims(), e.dims())) {
                return Result.failed(name, "output " + k + " has dims " + Arrays.toString(actual.dims()) + ", expected " + Arrays.toString(e.dims()));
            }
            float[] a = actual.floats(), x = e.floats();
            boolean elementsOk = true;
            double outAbs = 0, outScale = 0;
            for (int i = 0; i < a.length; i++) {
                if (Double.isNaN(a[i]) && Double.isNaN(x[i])) continue;
                double err = Math.abs((double) a[i] - x[i]);
                if (Double.isNaN(err)) err = Double.POSITIVE_INFINITY;
                outAbs = Math.max(outAbs, err);
                outScale = Math.max(outScale, Math.abs(x[i]));
                if (x[i] != 0) maxRel = Math.max(maxRel, err / Math.abs(x[i]));
                elementsOk &= err <= ATOL + RTOL * Math.abs(x[i]);
            }
            maxAbs = Math.max(maxAbs, outAbs);
            if (node) {
                if (!elementsOk && failure == null) failure = "output " + k + " differs beyond |a - e| <= 1e-7 + 1e-3 |e|";
            } else if (float64) {
                double[] r = references.get(k);
                double ours = 0, theirs = 0, scale = 0;
                for (int i = 0; i < a.length; i++) {
                    double d = Math.abs(a[i] - r[i]);
                    ours = Math.max(ours, Double.isNaN(d) ? Double.POSITIVE_INFINITY : d);
                    theirs = Math.max(theirs, Math.abs(x[i] - r[i]));
                    scale = Math.max(scale, Math.abs(r[i]));
                }
                double allowed = REF_FACTOR * theirs + REF_FLOOR * scale;
                vs64 = Math.max(vs64, ours);
                e64 = Math.max(e64, theirs);
                bound = Math.max(bound, allowed);
                if (!(ours <= allowed) && failure == null) {
                    failure = String.format(Locale.ROOT, "output %d: error vs float64 %.3e exceeds %.0f x the expected output's own %.3e + %.0e x max|r|",
                            k, ours, REF_FACTOR, theirs, REF_FLOOR);
                }
            } else {
                double allowed = SCALE_TOL * outScale + SCALE_ATOL;
                bound = Math.max(bound, allowed);
                if (!(outAbs <= allowed) && failure == null) {
                    failure = String.format(Locale.ROOT, "output %d: max abs error %.3e exceeds 1e-4 x max|e| (%.3e) + 1e-6", k, outAbs, outScale);
                }
            }
            k++;
        }
        String note = failure != null ? failure : model.batched() ? "" : "(held whole: the graph computes across axis 0)";
        return new Result(name, failure == null, rule, maxAbs, maxRel, vs64, e64, bound, importSeconds, note);
    }
}

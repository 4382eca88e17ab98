package dev.fovea.onnx.imp;

import dev.fovea.FoveaException;
import dev.fovea.model.Model;
import dev.fovea.nn.Normalization;
import dev.fovea.nn.Reshape;
import dev.fovea.onnx.Holding;
import dev.fovea.onnx.OnnxModel;
import dev.fovea.onnx.OnnxOptions;
import dev.fovea.onnx.OnnxTensor;
import dev.fovea.onnx.proto.OnnxProto.GraphProto;
import dev.fovea.onnx.proto.OnnxProto.ModelProto;
import dev.fovea.onnx.proto.OnnxProto.NodeProto;
import dev.fovea.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.fovea.onnx.proto.OnnxProto.TensorProto;
import dev.fovea.onnx.proto.OnnxProto.TensorShapeProto;
import dev.fovea.onnx.proto.OnnxProto.ValueInfoProto;
import dev.fovea.tensor.Shape;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Imports an ONNX ModelProto into a Fovea {@link Model}: every node becomes core layers (or a
 * constant folded at import time), in the graph's order. The first graph input that is not an
 * initializer is the model's input; an NCHW image input is held as NHWC, so users feed images as
 * everywhere else in Fovea. Nothing the file names is ever executed or loaded, except external
 * tensor data when the options allow it.
 */
public final class OnnxImporter {
    public static final long MIN_IR_VERSION = 3, MAX_IR_VERSION = 13;
    public static final int MIN_OPSET = 6, MAX_OPSET = 25;

    private static final Map<String, Converter> OPS = new TreeMap<>();

    static {
        ShapeOps.register(OPS);
        MathOps.register(OPS);
        ImageOps.register(OPS);
    }

    private OnnxImporter() {}

    /** The ONNX operator types the importer accepts, sorted. */
    public static List<String> supportedOps() { return List.copyOf(OPS.keySet()); }

    public static OnnxModel load(Path file, OnnxOptions options) {
        MappedModel.Parsed parsed = ProtoFiles.mapModel(file);
        return load(parsed.proto(), parsed.raw(), file.toString(), options.externalDataDir(file), options);
    }

    /** Imports an already parsed model; where names the file in messages. */
    public static OnnxModel load(ModelProto proto, String where, Path externalDir, OnnxOptions options) {
        return load(proto, Map.of(), where, externalDir, options);
    }

    /** Imports a model parsed by {@link ProtoFiles#mapModel} (raw: its initializers' bytes, still mapped). */
    public static OnnxModel load(ModelProto proto, Map<TensorProto, java.nio.ByteBuffer> raw, String where, Path externalDir, OnnxOptions options) {
        try {
            return loadChecked(proto, raw, where, externalDir, options);
        } catch (FoveaException e) {
            // Names inside the file may hold anything: keep the message one printable line.
            throw new FoveaException(printable(e.getMessage()), e);
        }
    }

    /** Control characters escaped, and at most about 2,000 characters. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 2100));
        for (int i = 0; i < s.length() && b.length() < 2000; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || Character.isISOControl(c)) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        if (b.length() >= 2000) b.append("...");
        return b.toString();
    }

    private static OnnxModel loadChecked(ModelProto proto, Map<TensorProto, java.nio.ByteBuffer> raw, String where, Path externalDir,
                                         OnnxOptions options) {
        if (!proto.hasGraph()) throw new FoveaException(where + ": not an ONNX model (no graph)");
        long ir = proto.getIrVersion();
        if (ir < MIN_IR_VERSION || ir > MAX_IR_VERSION) {
            throw new FoveaException(where + ": IR version " + ir + " is not supported; accepted: " + MIN_IR_VERSION + " to " + MAX_IR_VERSION);
        }
        int opset = defaultOpset(proto, where);
        GraphProto graph = proto.getGraph();
        if (graph.getSparseInitializerCount() > 0) throw new FoveaException(where + ": sparse initializers are not supported");
        TensorDecoder decoder = new TensorDecoder(where, externalDir, raw);
        Map<String, OnnxTensor> initializers = new LinkedHashMap<>();
        for (TensorProto t : graph.getInitializerList()) {
            if (t.getName().isEmpty()) throw new FoveaException(where + ": an initializer has no name");
            initializers.put(t.getName(), decoder.decode(t, "initializer \"" + t.getName() + "\""));
        }
        ValueInfoProto input = null;
        Map<String, OnnxTensor> bound = new LinkedHashMap<>();
        for (ValueInfoProto in : graph.getInputList()) {
            if (initializers.containsKey(in.getName())) continue;
            if (input == null) {
                input = in;
            } else if (options.bindings().containsKey(in.getName())) {
                bound.put(in.getName(), options.bindings().get(in.getName()));
            } else {
                throw new FoveaException(where + ": graph input \"" + in.getName() + "\" has no value; a Fovea model takes one input ("
                        + "\"" + input.getName() + "\"), other inputs must be initializers");
            }
        }
        if (input == null) throw new FoveaException(where + ": the graph has no input that is not an initializer");
        int[] dims = options.inputDims() != null ? options.inputDims() : declaredDims(input, where);
        checkFloatInput(input, where);
        if (graph.getOutputCount() == 0) throw new FoveaException(where + ": the graph has no output");

        boolean batched = !options.wholeTensors() && dims.length >= 2;
        if (batched) {
            try {
                return build(proto, where, opset, decoder, initializers, bound, input.getName(), dims, true, options.normalization());
            } catch (Graph.BatchAxisMixed mixed) {
                // The graph treats axis 0 as data: hold every tensor whole (one example of batch 1).
            }
        }
        if (options.normalization() != null) {
            throw new FoveaException(where + ": input normalisation needs an image input (N, C, H, W) that Fovea holds as its batch of "
                    + "(H, W, C) images; this graph computes across its first axis");
        }
        return build(proto, where, opset, decoder, initializers, bound, input.getName(), dims, false, null);
    }

    /**
     * The node the graph input is read from: the model input, or a Normalization layer in front of
     * it (recorded in the model, so predict, evaluate and serve apply it to images as they are).
     */
    private static int inputNode(Model model, OnnxOptions.InputNormalization n, int[] dims, Holding holding, String where) {
        if (n == null) return Model.MODEL_INPUT;
        if (dims.length != 4 || !holding.equals(Holding.nhwc())) {
            throw new FoveaException(where + ": input normalisation needs an image input (N, C, H, W), got dims " + java.util.Arrays.toString(dims));
        }
        int channels = dims[1];
        float[] mean = n.mean(), std = n.std();
        if (mean.length != 1 && mean.length != channels) {
            throw new FoveaException(where + ": input normalisation gives " + mean.length + " values per statistic for an input of "
                    + channels + " channels; give one, or one per channel");
        }
        float[] variance = new float[std.length];
        for (int i = 0; i < std.length; i++) variance[i] = std[i] * std[i];
        return model.addNode(new Normalization(mean, variance), Model.MODEL_INPUT);
    }

    private static int defaultOpset(ModelProto proto, String where) {
        int opset = -1;
        for (OperatorSetIdProto o : proto.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) opset = (int) Math.max(-1, Math.min(Integer.MAX_VALUE, o.getVersion()));
        }
        if (opset < 0 && proto.getIrVersion() < 3) opset = 1;
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new FoveaException(where + ": default-domain opset " + (opset < 0 ? "(none imported)" : opset) + " is not supported; accepted: "
                    + MIN_OPSET + " to " + MAX_OPSET);
        }
        return opset;
    }

    private static int[] declaredDims(ValueInfoProto in, String where) {
        if (!in.hasType() || !in.getType().hasTensorType() || !in.getType().getTensorType().hasShape()) {
            throw new FoveaException(where + ": input \"" + in.getName() + "\" declares no shape; give one (OnnxOptions.withInputDims)");
        }
        TensorShapeProto shape = in.getType().getTensorType().getShape();
        int[] d = new int[shape.getDimCount()];
        for (int i = 0; i < d.length; i++) {
            TensorShapeProto.Dimension dim = shape.getDim(i);
            if (dim.hasDimValue() && dim.getDimValue() > 0 && dim.getDimValue() <= 1 << 24) {
                d[i] = (int) dim.getDimValue();
            } else if (i == 0 && !dim.hasDimValue()) {
                d[i] = 1;   // a symbolic batch axis
            } else {
                throw new FoveaException(where + ": input \"" + in.getName() + "\" axis " + i + " has no fixed size ("
                        + (dim.hasDimParam() ? "\"" + dim.getDimParam() + "\"" : dim.getDimValue()) + "); give the input shape (OnnxOptions.withInputDims)");
            }
        }
        return d;
    }

    private static void checkFloatInput(ValueInfoProto in, String where) {
        if (in.hasType() && in.getType().hasTensorType() && in.getType().getTensorType().hasElemType()) {
            int t = in.getType().getTensorType().getElemType();
            if (t != 1) throw new FoveaException(where + ": input \"" + in.getName() + "\" is " + TensorDecoder.typeName(t) + "; Fovea models take float input");
        }
    }

    private static OnnxModel build(ModelProto proto, String where, int opset, TensorDecoder decoder, Map<String, OnnxTensor> initializers,
                                   Map<String, OnnxTensor> bound, String inputName, int[] dims, boolean batched,
                                   OnnxOptions.InputNormalization normalization) {
        GraphProto graph = proto.getGraph();
        Model model = new Model(graph.getName().isEmpty() ? "onnx" : graph.getName());
        List<String> outputNames = new ArrayList<>();
        for (ValueInfoProto o : graph.getOutputList()) outputNames.add(o.getName());
        long budget = (long) (Runtime.getRuntime().maxMemory() * 0.6);
        Graph g = new Graph(model, batched, opset, where, decoder, graph.getNodeList(), outputNames, budget);
        initializers.forEach((name, t) -> g.put(name, Value.of(t)));
        bound.forEach((name, t) -> g.put(name, Value.of(t)));
        Holding inputHolding = !batched ? Holding.rowMajor(dims.length, false)
                : dims.length == 4 ? Holding.nhwc() : Holding.rowMajor(dims.length, true);
        g.put(inputName, Value.dynamic(inputNode(model, normalization, dims, inputHolding, where), dims, inputHolding));

        for (NodeProto n : graph.getNodeList()) {
            if (g.isAbsorbed(n)) continue;
            String domain = n.getDomain();
            if (!domain.isEmpty() && !domain.equals("ai.onnx")) {
                throw new FoveaException(g.at(n) + ": operator domain \"" + domain + "\" is not supported; Fovea reads the default ONNX domain only");
            }
            Converter c = OPS.get(n.getOpType());
            if (c == null) {
                throw new FoveaException(g.at(n) + ": operator " + n.getOpType() + " is not supported; supported: " + String.join(", ", OPS.keySet()));
            }
            c.convert(n, new Attributes(n, g.at(n), decoder), g);
            for (int i = 0; i < n.getOutputCount(); i++) {
                Value v = g.value(n.getOutput(i));
                if (v != null && !v.isConstant() && v.holding().batched() && v.rank() < 2) g.requireWhole(n, "leaves a batch of scalars");
            }
        }

        List<OnnxModel.Output> outputs = new ArrayList<>();
        for (String name : outputNames) {
            Value v = g.value(name);
            if (v == null) throw new FoveaException(where + ": graph output \"" + name + "\" is not computed by any node");
            outputs.add(v.isConstant() ? new OnnxModel.Output(name, -2, v.dims(), null, v.constant())
                    : new OnnxModel.Output(name, v.node(), v.dims(), v.holding(), null));
        }
        OnnxModel.Output first = outputs.get(0);
        if (first.constant() != null) throw new FoveaException(where + ": the first graph output \"" + first.name() + "\" is a constant; there is nothing to run");
        int last = model.nodes().size() - 1;
        int[] firstPer = first.holding().perExample(first.dims());
        int classes = Graph.singleAxis(firstPer);
        if (first.holding().batched() && classes >= 0 && first.node() != g.vectorOutputNode) {
            // (N, K, 1, 1) and the like: the Fovea model outputs (N, K), the layout classifiers need;
            // the data order is the same, so the ONNX output is a view of it.
            int node = model.addNode(new Reshape(firstPer[classes]), first.node());
            outputs.set(0, new OnnxModel.Output(first.name(), node, first.dims(), first.holding(), null));
        } else if (first.node() != last || last < 0) {
            // The Fovea model's output is its last node: end with a view of the first graph output.
            int[] per = first.holding().perExample(first.dims());
            int node = model.addNode(new Reshape(per), first.node());
            outputs.set(0, new OnnxModel.Output(first.name(), node, first.dims(), first.holding(), null));
        }
        model.build(Shape.of(inputHolding.perExample(dims)));
        g.copyWeights();
        for (var prop : proto.getMetadataPropsList()) {
            // Fovea's exports carry the class names, so a round trip keeps the labels.
            if (prop.getKey().equals("class_names") && !prop.getValue().isEmpty()) model.classNames(List.of(prop.getValue().split("\n", -1)));
        }
        String producer = (proto.getProducerName() + " " + proto.getProducerVersion()).trim();
        return new OnnxModel(model, inputName, dims, inputHolding, List.copyOf(outputs), batched, proto.getIrVersion(), opset, producer);
    }
}

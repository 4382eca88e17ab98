package dev.fovea.io;

import dev.fovea.json.Json;
import dev.fovea.json.JsonObject;
import dev.fovea.json.JsonArray;
import dev.fovea.FoveaException;
import dev.fovea.model.Model;
import dev.fovea.nn.Graph;
import dev.fovea.nn.Parameter;
import dev.fovea.optim.Optimizer;
import dev.fovea.tensor.Tensor;
import dev.fovea.train.Trainer;
import dev.fovea.train.TrainingState;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training checkpoint: a .fovea archive whose model.json and weights load like any model, plus
 * optimizer.safetensors (every state slot of every parameter, named "param#slot") and
 * training.json (the optimizer, its step count and the {@link TrainingState}: data cursor, global
 * step and the epoch's running sums). Loading it and fitting on continues the run bit-identically.
 * Saving is atomic, so a run killed mid-save leaves the previous checkpoint loadable.
 */
public final class Checkpoint {
    public static final String FORMAT = "fovea.checkpoint";
    public static final int FORMAT_VERSION = 1;

    /** What a checkpoint restores. */
    public record Restored(Model model, Optimizer optimizer, TrainingState state, Map<String, Object> provenance) {}

    private Checkpoint() {}

    /** Saves the trainer's model, optimizer and state after its last completed step. */
    public static void save(Path file, Trainer trainer, Map<String, Object> provenance) {
        TrainingState s = trainer.state();
        if (s == null) throw new IllegalStateException("nothing to checkpoint: no fit has run");
        save(file, trainer.model(), trainer.optimizer(), s, provenance);
    }

    /**
     * Saves a model, its optimizer and the run's position, for training loops that keep their own
     * (distributed training in fovea-spark); {@link #load} restores all three.
     */
    public static void save(Path file, Graph model, Optimizer opt, TrainingState s, Map<String, Object> provenance) {
        Map<String, Tensor> slots = new LinkedHashMap<>();
        List<Parameter> params = model.parameters();
        List<float[][]> state = opt.state();
        for (int i = 0; i < state.size(); i++) {
            for (int k = 0; k < state.get(i).length; k++) {
                slots.put(params.get(i).name() + "#" + k, new Tensor(params.get(i).value().shape(), state.get(i)[k]));
            }
        }
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("format", FORMAT);
        training.put("format_version", FORMAT_VERSION);
        Map<String, Object> optimizer = OptimizerJson.write(opt);
        optimizer.put("iterations", opt.iterations());
        training.put("optimizer", optimizer);
        Map<String, Object> st = new LinkedHashMap<>();
        st.put("seed", s.seed());
        st.put("epoch", s.epoch());
        st.put("batch", s.batch());
        st.put("global_step", s.globalStep());
        st.put("loss_sum", s.lossSum());
        st.put("correct", s.correct());
        st.put("seen", s.seen());
        st.put("history", s.history());
        training.put("state", st);
        ArchiveContents contents = ModelFile.contents(model, provenance)
                .with(ArchiveEntry.OPTIMIZER, TensorFile.of(slots))
                .with(ArchiveEntry.TRAINING_JSON, Json.writePretty(training));
        ModelArchive.write(file, contents);
    }

    public static Restored load(Path file) {
        ArchiveContents contents = ModelArchive.read(file);
        ModelFile.Saved saved = ModelFile.fromContents(contents, file);
        String where = contents.where(ArchiveEntry.TRAINING_JSON);
        String text = contents.json(ArchiveEntry.TRAINING_JSON)
                .orElseThrow(() -> new FoveaException(file + ": a model file, not a checkpoint (no training.json): Checkpoint.load resumes from checkpoints; read a model file with ModelFile.load"));
        JsonObject root = Json.parseObject(text, where);
        root.requireOnlyKeys("format", "format_version", "optimizer", "state");
        if (!FORMAT.equals(root.requireString("format"))) throw root.error("format", "must be \"" + FORMAT + "\"");
        long version = root.requireLong("format_version");
        if (version != FORMAT_VERSION) throw root.error("format_version", "is " + version + "; this Fovea reads checkpoint version " + FORMAT_VERSION);
        JsonObject o = root.requireObject("optimizer");
        Optimizer opt = OptimizerJson.read(o);
        long iterations = o.requireLong("iterations");
        JsonObject st = root.requireObject("state");
        st.requireOnlyKeys("seed", "epoch", "batch", "global_step", "loss_sum", "correct", "seen", "history");
        List<Map<String, Double>> history = new ArrayList<>();
        JsonArray h = st.requireArray("history");
        for (int i = 0; i < h.size(); i++) {
            Map<String, Double> logs = new LinkedHashMap<>();
            JsonObject e = h.object(i);
            for (String k : e.keys()) logs.put(k, e.requireDouble(k));
            history.add(logs);
        }
        TrainingState state = new TrainingState(st.requireLong("seed"), st.requireNonNegativeInt("epoch"), st.requireNonNegativeInt("batch"),
                st.requireLong("global_step"), st.requireDouble("loss_sum"), st.requireLong("correct"), st.requireNonNegativeInt("seen"), history);
        restoreSlots(file, saved.model(), opt, contents, iterations);
        return new Restored(saved.model(), opt, state, saved.provenance());
    }

    private static void restoreSlots(Path file, Graph model, Optimizer opt, ArchiveContents contents, long iterations) {
        List<Parameter> params = model.parameters();
        TensorFile tensors = contents.tensors(ArchiveEntry.OPTIMIZER).orElse(TensorFile.of(Map.of()));
        int perParam = opt.slotsPerParameter();
        if (iterations == 0) return;   // no step taken: the optimizer binds on its first step
        if (tensors.tensors().size() != perParam * params.size()) {
            throw new FoveaException(file + ": optimizer.safetensors holds " + tensors.tensors().size() + " tensors; "
                    + opt.className() + " needs " + perParam + " per parameter (" + perParam * params.size() + ")");
        }
        List<float[][]> slots = new ArrayList<>();
        for (Parameter p : params) {
            float[][] s = new float[perParam][];
            for (int k = 0; k < perParam; k++) {
                Tensor t = tensors.get(p.name() + "#" + k);
                if (t == null || !t.shape().equals(p.value().shape())) {
                    throw new FoveaException(file + ": optimizer.safetensors lacks \"" + p.name() + "#" + k + "\" of shape " + p.value().shape());
                }
                s[k] = t.data();
            }
            slots.add(s);
        }
        opt.restore(params, slots, iterations);
    }
}

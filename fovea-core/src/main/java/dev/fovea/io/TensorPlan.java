package dev.fovea.io;

import dev.fovea.json.Text;
import dev.fovea.FoveaException;
import dev.fovea.model.Model;
import dev.fovea.nn.Parameter;
import dev.fovea.tensor.Shape;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tensors a model file may hold, known from its model.json before any tensor is read: each
 * weight is a parameter of the architecture with exactly its shape, and each optimizer tensor
 * {@code "param#k"} a slot of one (k below {@link #MAX_SLOTS}). A safetensors header is checked
 * against it before its data is read, so a 2 MB file whose header declares a 2 GB tensor (its
 * zeros deflate to almost nothing) is refused before the 2 GB is allocated.
 */
final class TensorPlan {
    /** More state tensors per parameter than any optimizer keeps (Adam: 2). */
    static final int MAX_SLOTS = 4;

    private final ModelJson.Parsed parsed;
    private final Map<String, Shape> parameters = new LinkedHashMap<>();

    private TensorPlan(ModelJson.Parsed parsed) {
        this.parsed = parsed;
        for (Parameter p : parsed.model().parameters()) parameters.put(p.name(), p.value().shape());
    }

    /** The plan of a parsed model.json; the model must be built (have an input shape). */
    static TensorPlan of(ModelJson.Parsed parsed, String where) {
        Model m = parsed.model();
        if (!m.isBuilt()) throw new FoveaException(where + ": architecture.input_shape is required in a trained model");
        return new TensorPlan(parsed);
    }

    ModelJson.Parsed parsed() { return parsed; }

    /** Refuses a header that declares any tensor the architecture does not have, or at another shape. */
    void check(ArchiveEntry entry, SafetensorsHeader header, String where) {
        for (SafetensorsHeader.Entry e : header.entries()) {
            String param = e.name();
            if (entry == ArchiveEntry.OPTIMIZER) {
                int hash = param.lastIndexOf('#');
                int slot = hash < 0 ? -1 : slot(param.substring(hash + 1));
                if (slot < 0 || slot >= MAX_SLOTS) {
                    throw new Refusal(where + ": tensor " + Text.quote(param) + " is not named PARAMETER#SLOT with SLOT 0.."
                            + (MAX_SLOTS - 1) + " (refused before reading it)");
                }
                param = param.substring(0, hash);
            }
            Shape want = parameters.get(param);
            long bytes = e.end() - e.begin();
            if (want == null) {
                throw new Refusal(where + ": tensor " + Text.quote(e.name()) + " (" + Text.bytes(bytes) + ") belongs to no parameter of the"
                        + " architecture in model.json (refused before reading it)");
            }
            if (!Arrays.equals(want.toArray(), e.shape())) {
                throw new Refusal(where + ": tensor " + Text.quote(e.name()) + " declares shape " + SafetensorsHeader.shapeText(e.shape())
                        + " (" + Text.bytes(bytes) + ") but the architecture's parameter " + Text.quote(param) + " is " + want
                        + " (refused before reading it)");
            }
        }
    }

    /** A header the plan refuses: its data is left unread (not even for the CRC check). */
    static final class Refusal extends FoveaException {
        Refusal(String message) { super(message); }
    }

    private static int slot(String digits) {
        if (digits.isEmpty() || digits.length() > 2) return -1;
        for (int i = 0; i < digits.length(); i++) if (!Character.isDigit(digits.charAt(i))) return -1;
        return Integer.parseInt(digits);
    }
}

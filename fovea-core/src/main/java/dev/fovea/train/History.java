package dev.fovea.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What fit returns: each epoch's logs, in order (as Keras's History.history, transposed). */
public final class History {
    private final List<Map<String, Double>> epochs = new ArrayList<>();

    void add(Map<String, Double> logs) { epochs.add(Collections.unmodifiableMap(new LinkedHashMap<>(logs))); }

    public List<Map<String, Double>> epochs() { return Collections.unmodifiableList(epochs); }

    /** The values of one metric over the epochs, e.g. history.metric("val_accuracy"). */
    public List<Double> metric(String name) {
        List<Double> values = new ArrayList<>();
        for (Map<String, Double> e : epochs) if (e.containsKey(name)) values.add(e.get(name));
        return values;
    }

    public Map<String, Double> last() {
        return epochs.isEmpty() ? Map.of() : epochs.get(epochs.size() - 1);
    }
}

package dev.fovea.io;

import dev.fovea.json.JsonObject;
import dev.fovea.optim.Adam;
import dev.fovea.optim.AdamW;
import dev.fovea.optim.Optimizer;
import dev.fovea.optim.RMSprop;
import dev.fovea.optim.SGD;

import java.util.LinkedHashMap;
import java.util.Map;

/** An optimizer as JSON ({"class_name": "Adam", "config": {...}}) and back, for checkpoints and provenance. */
public final class OptimizerJson {
    private OptimizerJson() {}

    public static Map<String, Object> write(Optimizer o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("class_name", o.className());
        m.put("config", o.config());
        return m;
    }

    public static Optimizer read(JsonObject o) {
        o.requireOnlyKeys("class_name", "config", "iterations");
        String kind = o.requireOneOf("class_name", "SGD", "Adam", "AdamW", "RMSprop");
        JsonObject c = o.requireObject("config");
        double lr = c.requireDouble("learning_rate");
        return switch (kind) {
            case "SGD" -> {
                c.requireOnlyKeys("learning_rate", "momentum", "nesterov");
                yield new SGD(lr, c.optionalDouble("momentum", 0), c.optionalBoolean("nesterov", false));
            }
            case "Adam" -> {
                c.requireOnlyKeys("learning_rate", "beta_1", "beta_2", "epsilon");
                yield new Adam(lr, c.requireDouble("beta_1"), c.requireDouble("beta_2"), c.requireDouble("epsilon"));
            }
            case "AdamW" -> {
                c.requireOnlyKeys("learning_rate", "beta_1", "beta_2", "epsilon", "weight_decay");
                yield new AdamW(lr, c.requireDouble("weight_decay"), c.requireDouble("beta_1"), c.requireDouble("beta_2"), c.requireDouble("epsilon"));
            }
            default -> {
                c.requireOnlyKeys("learning_rate", "rho", "epsilon");
                yield new RMSprop(lr, c.requireDouble("rho"), c.requireDouble("epsilon"));
            }
        };
    }
}

package dev.fovea.nn;

import dev.fovea.model.Model;
import dev.fovea.model.Sequential;
import dev.fovea.FoveaException;
import dev.fovea.io.ModelJson;
import dev.fovea.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Preprocessing and augmentation layers in model.json: Keras's names and keys, strict reading. */
class AugmentationConfigTest {
    private static Sequential model() {
        return Sequential.of(new Rescaling(1 / 255.0), new Normalization(), new RandomFlip("horizontal"),
                new RandomTranslation(0.1, 0.2).fillMode("constant").fillValue(0.25), new RandomRotation(0.05).interpolation("nearest"),
                new RandomZoom(0.1), new RandomZoom(0.1, 0.2).fillMode("nearest"), new RandomErasing(),
                new RandomErasing(0.3, 0.05, 0.2, 0.5, 2, 0.0),
                new Conv2D(2, 3, "relu"), new Flatten(), new Dense(3, "softmax"));
    }

    @Test
    void everyLayerRoundTripsThroughItsConfig() {
        for (Layer l : model().layers()) {
            Layer back = LayerTypes.create(l.className(), l.config(), "test");
            assertEquals(l.config(), back.config(), l.className());
        }
    }

    @Test
    void modelFileCarriesThePreprocessingAndAugmentation() {
        Sequential m = model();
        m.seed(4).build(8, 8, 2);
        Tensor x = AugmentationLayersTest.random(3, 5, 8, 8, 2);
        ((Normalization) m.layers().get(1)).adapt(x);
        String json = ModelJson.write(m, Map.of());
        Model back = ModelJson.read(json, "model.json").model();
        for (int i = 0; i < m.layers().size(); i++) {
            assertEquals(m.layers().get(i).config(), back.layers().get(i).config(), m.layers().get(i).name());
        }
        for (int i = 0; i < m.parameters().size(); i++) back.parameters().get(i).value().copyFrom(m.parameters().get(i).value());
        assertArrayEquals(m.forward(x, ForwardContext.INFERENCE).data(), back.forward(x, ForwardContext.INFERENCE).data());
        // Training-time augmentation is reproduced too: same seed, same output.
        assertArrayEquals(m.forward(x, ForwardContext.training(new SplittableRandom(1))).data(),
                back.forward(x, ForwardContext.training(new SplittableRandom(1))).data());
    }

    @Test
    void kerasSpellingsAreAccepted() {
        var t = LayerTypes.create("RandomTranslation", Map.of("height_factor", List.of(-0.2, 0.3), "width_factor", 0.1), "l");
        assertEquals(List.of(-0.2, 0.3), t.config().get("height_factor"));
        assertEquals(List.of(-0.1, 0.1), t.config().get("width_factor"));
        assertEquals("reflect", t.config().get("fill_mode"));
        var n = LayerTypes.create("Normalization", Map.of("axis", -1L, "mean", 0.5, "variance", 0.25), "l");
        assertEquals(List.of(0.5), n.config().get("mean"));
        var e = LayerTypes.create("RandomErasing", Map.of("value", "random"), "l");
        assertEquals("random", e.config().get("value"));
    }

    @Test
    void badConfigsSayWhereAndWhatIsAccepted() {
        assertEquals("model.json: layers[0]: RandomFlip: mode \"diagonal\" is not one of horizontal, vertical, horizontal_and_vertical",
                error("RandomFlip", Map.of("mode", "diagonal")));
        assertEquals("model.json: layers[0]: fill_mode \"mirror\" is not one of reflect, wrap, nearest, constant",
                error("RandomRotation", Map.of("factor", 0.1, "fill_mode", "mirror")));
        assertEquals("model.json: layers[0]: factor is required (a number or [lower, upper])",
                error("RandomRotation", Map.of()));
        assertEquals("model.json: layers[0]: RandomTranslation: height_factor must lie in [-1, 1] with lower <= upper, got [-1.5, 1.5]",
                error("RandomTranslation", Map.of("height_factor", 1.5, "width_factor", 0.1)));
        assertEquals("model.json: layers[0]: height_factor must have lower <= upper, got [0.3, 0.1]",
                error("RandomZoom", Map.of("height_factor", List.of(0.3, 0.1))));
        assertEquals("model.json: layers[0]: unknown key 'seed' (known: offset, scale)",
                error("Rescaling", Map.of("scale", 0.5, "seed", 1L)));
        assertEquals("model.json: layers[0]: axis must be -1 (the channels), got 1",
                error("Normalization", Map.of("axis", 1L)));
        assertEquals("model.json: layers[0]: value must be a number or \"random\", got noise",
                error("RandomErasing", Map.of("value", "noise")));
        assertEquals("model.json: layers[0]: mean has 2 values but variance has 1; give one per channel",
                error("Normalization", Map.of("mean", List.of(0.1, 0.2), "variance", List.of(1.0))));
    }

    private static String error(String className, Map<String, Object> config) {
        return assertThrows(FoveaException.class, () -> LayerTypes.create(className, config, "model.json: layers[0]")).getMessage();
    }
}

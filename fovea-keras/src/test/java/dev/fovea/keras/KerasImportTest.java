package dev.fovea.keras;

import dev.fovea.io.ModelFile;
import dev.fovea.keras.check.Npy;
import dev.fovea.nn.ForwardContext;
import dev.fovea.model.Model;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What an imported model is in Fovea: its input layout, outputs, names, provenance, and that it saves. */
class KerasImportTest {
    static Path resource(String name) {
        try {
            return Path.of(KerasImportTest.class.getResource("/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test void aChannelsFirstModelTakesChannelsLastImages() {
        // Keras input (1, 28, 28) into a channels_first Conv2D: the Fovea model takes (28, 28, 1) like every image model.
        KerasModel m = Keras.load(resource("keras2/weights_simpleconv2d/model.h5"));
        assertTrue(m.inputChannelsLast());
        assertEquals(Shape.of(1, 28, 28), m.kerasInput());
        assertEquals(Shape.of(28, 28, 1), m.model().inputShape());
        Tensor nchw = Npy.read(resource("keras2/weights_simpleconv2d/input.npy"));
        Tensor viaRun = m.run(nchw).get(0);
        Tensor nhwc = KerasModel.channelsLast(nchw);
        Tensor direct = m.model().forward(nhwc, ForwardContext.INFERENCE);
        assertArrayEquals(viaRun.data(), direct.data());
    }

    @Test void aTwoOutputModelKeepsBothAndEndsInTheFirst() {
        KerasModel m = Keras.load(resource("keras2/examples_12net/model.h5"), new int[] {17, 23, 3});
        assertEquals(2, m.outputs().size());
        assertEquals(m.outputs().get(0).shape(), m.model().outputShape());
        assertEquals(Shape.of(3, 6, 4), m.outputs().get(1).shape());
    }

    @Test void layersKeepTheirKerasNames() {
        Model model = Keras.load(resource("keras3/sequential_cnn/model.keras")).model();
        for (String n : List.of("conv2d", "batch_normalization", "max_pooling2d", "depthwise_conv2d", "conv2d_1", "dense")) {
            assertEquals(n, model.layer(n).name());
        }
    }

    @Test void provenanceNamesTheKerasVersionAndFormat() {
        KerasModel m = Keras.load(resource("keras2/examples_gans_wgan_discriminator/model.h5"));
        var p = m.provenance("model.h5");
        assertEquals("keras", p.get("source"));
        assertEquals("2.1.3", p.get("keras_version"));
        assertEquals("keras2-h5", p.get("format"));
        assertEquals("keras3", Keras.load(resource("keras3/sequential_cnn/model.keras")).format());
    }

    @Test void anImportedModelSavesAndLoadsWithTheSameOutputs(@TempDir Path tmp) {
        for (String c : List.of("keras3/sequential_cnn/model.keras", "keras3/functional_residual/model", "keras2/tfkeras_act_14/model.h5",
                "keras2/tfkeras_act_17/model.h5", "keras2/weights_sepconv2d_tensorflow_2/model.h5")) {
            KerasModel m = Keras.load(resource(c));
            Path file = tmp.resolve(c.replace('/', '_') + ".fovea");
            ModelFile.save(file, m.model(), m.provenance(c));
            ModelFile.Saved saved = ModelFile.load(file);
            Tensor x = Npy.read(resource(c.substring(0, c.lastIndexOf('/')) + "/input.npy"));
            float[] before = m.model().forward(x, ForwardContext.INFERENCE).data().clone();
            float[] after = saved.model().forward(x, ForwardContext.INFERENCE).data();
            assertArrayEquals(before, after, c);
            assertEquals("keras", saved.provenance().get("source"), c);
        }
    }
}

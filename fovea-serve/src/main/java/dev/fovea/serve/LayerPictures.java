package dev.fovea.serve;

import dev.fovea.nn.ForwardContext;
import dev.fovea.nn.Layer;
import dev.fovea.model.Model;
import dev.fovea.tensor.Tensor;
import dev.fovea.viz.Attribution;
import dev.fovea.viz.ColorMap;
import dev.fovea.viz.FeatureMaps;
import dev.fovea.viz.Images;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the web page shows beside the bar chart: every layer's output for the image (feature-map
 * grids for (H, W, C) outputs, a unit picture for flat ones), a saliency map and Grad-CAM, as
 * PNG data URIs. Runs on the visualisation instance of the model, never the batcher's.
 */
final class LayerPictures {
    private LayerPictures() {}

    /** x is one example (H*W*C floats) of {@code model}'s input. */
    static Map<String, Object> of(Model model, float[] x, int classIndex) {
        Tensor image = new Tensor(model.inputShape(), x.clone());
        model.forward(image.reshape(model.inputShape().withBatch(1)), ForwardContext.INFERENCE);
        List<Object> layers = new ArrayList<>();
        for (int i = 0; i < model.nodes().size(); i++) {
            Layer l = model.nodes().get(i).layer();
            Tensor out = model.nodeOutput(i);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", l.name());
            m.put("class_name", l.className());
            m.put("output_shape", l.outputShape().toArray());
            m.put("image", Images.dataUri(Images.png(FeatureMaps.render(l, out, 0))));
            layers.add(m);
        }
        Attribution.Result a = Attribution.explain(model, image, classIndex);
        int h = image.dim(0), w = image.dim(1);
        int f = Images.factorFor(h, w, 168);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("class_index", a.classIndex());
        r.put("layers", layers);
        r.put("input", Images.dataUri(Images.png(Images.enlarge(Images.fromTensor(image), f))));
        r.put("saliency", Images.dataUri(Images.png(Images.enlarge(Images.heat(a.saliency(), h, w, ColorMap.INFERNO), f))));
        if (a.gradCam() != null) {
            r.put("grad_cam", Images.dataUri(Images.png(Images.enlarge(Attribution.overlay(image, a.gradCam()), f))));
            r.put("grad_cam_layer", a.gradCamLayer());
        }
        return r;
    }
}

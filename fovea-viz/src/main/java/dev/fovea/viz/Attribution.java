package dev.fovea.viz;

import dev.fovea.FoveaException;
import dev.fovea.nn.ActivatedLayer;
import dev.fovea.nn.Activation;
import dev.fovea.nn.ConvolutionKernel;
import dev.fovea.nn.ForwardContext;
import dev.fovea.model.Model;
import dev.fovea.nn.Parameter;
import dev.fovea.tensor.Tensor;
import dev.fovea.train.ClassifierOutput;

/**
 * Which pixels a class decision rests on, from one forward and one backward pass.
 *
 * <ul>
 *   <li>Saliency (Simonyan, Vedaldi and Zisserman 2014, "Deep Inside Convolutional Networks",
 *       section 3.1): |dS_c/dx|, the largest over colour channels, where S_c is the class score
 *       before softmax (the paper's choice: the probability can also rise by lowering the other
 *       classes).</li>
 *   <li>Grad-CAM (Selvaraju et al. 2017, "Grad-CAM: Visual Explanations from Deep Networks via
 *       Gradient-based Localization", eq. 1-2): weights a_k = mean over (i, j) of dS_c/dA^k_ij of
 *       the last convolution's maps A^k, map = ReLU(sum_k a_k A^k), upsampled bilinearly to the
 *       image.</li>
 * </ul>
 * When the output layer ends in softmax the score is its pre-activation; when it is linear, the
 * output itself; otherwise (e.g. a separate softmax layer) the output (probability or
 * log-probability), and {@link Result#scoreName} says so. Probabilities come from
 * {@link ClassifierOutput}, which applies softmax to models that end in logits. The model's parameter gradients are zeroed afterwards: give this its own model instance
 * (forward passes reuse buffers and are not thread-safe).
 */
public final class Attribution {
    /**
     * @param classIndex   the class explained
     * @param probs        class probabilities (K), from the same forward pass
     * @param saliency     (H, W) in [0, 1], scaled by its maximum
     * @param gradCam      (H, W) in [0, 1], or null when the model has no convolution the score depends on
     * @param gradCamLayer the layer Grad-CAM read, or null
     * @param scoreName    what was differentiated, for captions
     * @param output       what the model outputs and whether softmax was applied ({@link ClassifierOutput#description()})
     */
    public record Result(int classIndex, float[] probs, float[] saliency, float[] gradCam, String gradCamLayer, String scoreName,
                         String output) {}

    private Attribution() {}

    /** Explains class {@code classIndex} (or, when negative, the predicted class) for one image (H, W, C). */
    public static Result explain(Model model, Tensor image, int classIndex) {
        int h = image.dim(0), w = image.dim(1), c = image.dim(2);
        Tensor x = image.reshape(model.inputShape().withBatch(1));
        Tensor out = model.forward(x, ForwardContext.INFERENCE);         // (1, K)
        int k = out.dim(1);
        ClassifierOutput output = model.output();
        float[] probs = out.data().clone();
        output.toProbabilities(probs, 1);
        int cls = classIndex >= 0 ? classIndex : argmax(probs);
        if (cls >= k) throw new FoveaException("Attribution.explain: classIndex " + cls + " is outside the model's " + k + " classes [0, " + k + ")");
        // Backward starts from the softmax's input when the output layer applies softmax itself.
        boolean softmaxOut = model.outputLayer() instanceof ActivatedLayer a && a.activation() == Activation.SOFTMAX;
        Activation last = model.outputLayer().activation();
        String score = switch (output.kind()) {
            case PROBABILITIES -> softmaxOut ? "class score before softmax" : "class probability";
            case LOG_PROBABILITIES -> "class log-probability";
            case LOGITS -> last == Activation.LINEAR ? "class score before softmax" : "class score (" + last.keras() + " output)";
        };
        int target = lastConvolution(model);
        Tensor dOut = Tensor.zeros(1, k);
        dOut.data()[cls] = 1f;
        float[] saliency;
        float[] cam = null;
        try {
            Tensor dx = model.backwardToInput(dOut, softmaxOut);           // (1, H, W, C)
            saliency = new float[h * w];
            for (int p = 0; p < h * w; p++) {
                float m = 0;
                for (int ch = 0; ch < c; ch++) m = Math.max(m, Math.abs(dx.data()[p * c + ch]));
                saliency[p] = m;
            }
            saliency = Normalize.byMaxAbs(saliency);
            if (target >= 0 && model.nodeGradient(target) != null) {
                cam = gradCam(model.nodeOutput(target), model.nodeGradient(target), h, w);
            }
        } finally {
            for (Parameter p : model.parameters()) p.zeroGrad();
        }
        String layer = cam == null ? null : model.nodes().get(target).layer().name();
        return new Result(cls, probs, saliency, cam, layer, score, output.description());
    }

    /** Grad-CAM from maps a (1, h, w, K) and their gradient g (1, h, w, K), upsampled to (H, W). */
    static float[] gradCam(Tensor a, Tensor g, int outH, int outW) {
        int h = a.dim(1), w = a.dim(2), kk = a.dim(3);
        double[] alpha = new double[kk];
        for (int p = 0; p < h * w; p++) for (int j = 0; j < kk; j++) alpha[j] += g.data()[p * kk + j];
        for (int j = 0; j < kk; j++) alpha[j] /= h * w;
        float[] cam = new float[h * w];                                   // (h, w)
        for (int p = 0; p < h * w; p++) {
            double s = 0;
            for (int j = 0; j < kk; j++) s += alpha[j] * a.data()[p * kk + j];
            cam[p] = (float) Math.max(0, s);
        }
        return Normalize.byMaxAbs(bilinear(cam, h, w, outH, outW));
    }

    /** Bilinear resize with pixel centres aligned (as OpenCV's INTER_LINEAR), (h, w) to (outH, outW). */
    static float[] bilinear(float[] src, int h, int w, int outH, int outW) {
        float[] out = new float[outH * outW];
        for (int y = 0; y < outH; y++) {
            double sy = Math.min(h - 1, Math.max(0, (y + 0.5) * h / outH - 0.5));
            int y0 = (int) sy, y1 = Math.min(h - 1, y0 + 1);
            double fy = sy - y0;
            for (int x = 0; x < outW; x++) {
                double sx = Math.min(w - 1, Math.max(0, (x + 0.5) * w / outW - 0.5));
                int x0 = (int) sx, x1 = Math.min(w - 1, x0 + 1);
                double fx = sx - x0;
                double top = src[y0 * w + x0] * (1 - fx) + src[y0 * w + x1] * fx;
                double bottom = src[y1 * w + x0] * (1 - fx) + src[y1 * w + x1] * fx;
                out[y * outW + x] = (float) (top * (1 - fy) + bottom * fy);
            }
        }
        return out;
    }

    /** Index of the last convolution node, or -1: Grad-CAM's layer (the paper uses the last convolution). */
    public static int lastConvolution(Model model) {
        for (int i = model.nodes().size() - 1; i >= 0; i--) {
            if (model.nodes().get(i).layer() instanceof ConvolutionKernel) return i;
        }
        return -1;
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    /** The image (H, W, C) under the heat map (H, W) in inferno, more opaque where it is hotter. */
    public static java.awt.image.BufferedImage overlay(Tensor image, float[] heat) {
        int h = image.dim(0), w = image.dim(1), c = image.dim(2);
        java.awt.image.BufferedImage out = new java.awt.image.BufferedImage(w, h, java.awt.image.BufferedImage.TYPE_INT_RGB);
        float[] px = image.data();
        for (int p = 0; p < h * w; p++) {
            double a = 0.15 + 0.6 * heat[p];
            int hc = ColorMap.INFERNO.rgb(heat[p]);
            int rgb = 0;
            for (int ch = 0; ch < 3; ch++) {
                double base = px[p * c + (c == 3 ? ch : 0)] * 0.85;   // dimmed a little so the heat reads
                double hv = (hc >> (16 - 8 * ch) & 0xFF) / 255.0;
                int v = (int) Math.round(Math.min(1, Math.max(0, base * (1 - a) + hv * a)) * 255);
                rgb |= v << (16 - 8 * ch);
            }
            out.setRGB(p % w, p / w, rgb);
        }
        return out;
    }
}

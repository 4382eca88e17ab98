package dev.fovea.model.compile;

import dev.fovea.nn.Activation;
import dev.fovea.nn.BatchNormalization;
import dev.fovea.nn.Conv2D;
import dev.fovea.nn.Dense;
import dev.fovea.nn.Layer;
import dev.fovea.nn.Parameter;

/**
 * A Conv2D or Dense layer as the compiler rewrites it: copies of its kernel and bias (the bias
 * created as zeros when the layer had none) with batch normalisations folded in, and the
 * activation it will apply. The source layer's weights are never written.
 */
final class Folded {
    private final String kernelName, biasName;
    private final float[] kernel;   // Conv2D (kh, kw, in/groups, filters), Dense (in, units): the filter is the last axis
    private final float[] bias;     // (filters)
    private final int filters;
    Activation activation;

    private Folded(String layerName, float[] kernel, float[] bias, int filters, Activation activation) {
        this.kernelName = layerName + "/kernel";
        this.biasName = layerName + "/bias";
        this.kernel = kernel;
        this.bias = bias;
        this.filters = filters;
        this.activation = activation;
    }

    static Folded of(Layer l) {
        int filters = switch (l) {
            case Conv2D c -> c.settings().filters();
            case Dense d -> d.settings().units();
            default -> throw new IllegalArgumentException("only Conv2D and Dense fold: " + l.className());
        };
        float[] kernel = null, bias = new float[filters];
        for (Parameter p : l.parameters()) {
            if (p.name().endsWith("/kernel")) kernel = p.value().data().clone();
            else if (p.name().endsWith("/bias")) bias = p.value().data().clone();
        }
        if (kernel == null) throw new IllegalStateException("layer " + l.name() + " has no kernel");
        return new Folded(l.name(), kernel, bias, filters, l.activation());
    }

    /**
     * Folds bn (over this layer's filters) into the weights. Inference batch normalisation is
     * y = (z - mean) * s + beta with s = gamma / sqrt(var + eps), and z = x·K + b, so
     * y = x·(K s) + ((b - mean) s + beta). The per-channel factors are computed in double, with
     * epsilon rounded to float first, as {@code BatchNormOp} does.
     */
    void foldBatchNorm(BatchNormalization bn) {
        float[] gamma = null, beta = null, mean = null, var = null;
        for (Parameter p : bn.parameters()) {
            String shortName = p.name().substring(p.name().lastIndexOf('/') + 1);
            float[] v = p.value().data();
            switch (shortName) {
                case "gamma" -> gamma = v;
                case "beta" -> beta = v;
                case "moving_mean" -> mean = v;
                case "moving_variance" -> var = v;
                default -> throw new IllegalStateException("unexpected batch normalisation parameter " + p.name());
            }
        }
        if (mean.length != filters) throw new IllegalStateException(bn.name() + " normalises " + mean.length + " channels, not " + filters);
        double eps = (float) bn.settings().epsilon();
        double[] scale = new double[filters];
        for (int f = 0; f < filters; f++) {
            scale[f] = (gamma == null ? 1.0 : gamma[f]) / Math.sqrt(var[f] + eps);
            bias[f] = (float) ((bias[f] - (double) mean[f]) * scale[f] + (beta == null ? 0.0 : beta[f]));
        }
        for (int i = 0; i < kernel.length; i++) kernel[i] = (float) (kernel[i] * scale[i % filters]);
    }

    /** The rewritten layer, unbuilt: the source's configuration with a bias and this activation. */
    Layer layer(Layer source) {
        return switch (source) {
            case Conv2D c -> new Conv2D(c.settings().withUseBias(true).withActivation(activation));
            case Dense d -> new Dense(new Dense.Config(d.settings().units(), activation, true));
            default -> throw new IllegalArgumentException(source.className());
        };
    }

    /** The folded weight of the given full parameter name, or null for none of this layer's. */
    float[] weight(String parameterName) {
        if (parameterName.equals(kernelName)) return kernel;
        if (parameterName.equals(biasName)) return bias;
        return null;
    }
}

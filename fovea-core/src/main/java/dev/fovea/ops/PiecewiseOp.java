package dev.fovea.ops;

/**
 * Element-wise activations with a parameter: LeakyReLU (Maas et al., 2013), ELU (Clevert et al.,
 * 2016) and Clip (ReLU6 and friends). Backward is written from the input x, so the kink rules
 * are explicit: LeakyReLU and ELU take the x > 0 branch only for x > 0; Clip passes the
 * gradient where min <= x <= max, as PyTorch's clamp does.
 */
public final class PiecewiseOp {
    /** Which function. */
    public enum Kind { LEAKY_RELU, ELU, CLIP }

    private PiecewiseOp() {}

    /** y = f(x); a is the slope (LeakyReLU), alpha (ELU) or the minimum (Clip); b the maximum (Clip). */
    public static void forward(Kind kind, float[] y, float[] x, int size, float a, float b) {
        switch (kind) {
            case LEAKY_RELU -> { for (int i = 0; i < size; i++) { float v = x[i]; y[i] = v > 0 ? v : a * v; } }
            case ELU -> { for (int i = 0; i < size; i++) { float v = x[i]; y[i] = v > 0 ? v : (float) (a * Math.expm1(v)); } }
            case CLIP -> Clip.forward(y, x, size, a, b);
        }
    }

    /** dx = dy · f'(x). */
    public static void backward(Kind kind, float[] dx, float[] dy, float[] x, int size, float a, float b) {
        switch (kind) {
            case LEAKY_RELU -> { for (int i = 0; i < size; i++) dx[i] = x[i] > 0 ? dy[i] : a * dy[i]; }
            case ELU -> { for (int i = 0; i < size; i++) dx[i] = x[i] > 0 ? dy[i] : (float) (dy[i] * a * Math.exp(x[i])); }
            case CLIP -> { for (int i = 0; i < size; i++) dx[i] = x[i] >= a && x[i] <= b ? dy[i] : 0f; }
        }
    }
}

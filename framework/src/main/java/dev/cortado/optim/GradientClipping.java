package dev.cortado.optim;

import dev.cortado.backend.Backend;
import dev.cortado.nn.Parameter;
import dev.cortado.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Gradient clipping between the backward pass and the update: by the global L2 norm over all
 * gradients (PyTorch's {@code clip_grad_norm_}) or element-wise by value ({@code clip_grad_value_}).
 *
 * @param threshold the largest norm allowed ({@link Mode#NORM}) or the largest |g| ({@link Mode#VALUE});
 *                  unused for {@link Mode#NONE}
 */
public record GradientClipping(Mode mode, float threshold) {

    public enum Mode { NONE, NORM, VALUE }

    /** PyTorch's clip_grad_norm_ adds this to the norm so that a zero gradient never divides by zero. */
    static final float NORM_EPSILON = 1e-6f;

    public GradientClipping {
        if (mode == null) {
            throw new IllegalArgumentException("gradient clipping: mode is required");
        }
        if (mode != Mode.NONE && !(threshold > 0f && threshold < Float.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("gradient clipping by " + mode.name().toLowerCase() + ": threshold must be a finite number > 0, got "
                    + threshold);
        }
    }

    public static GradientClipping none() {
        return new GradientClipping(Mode.NONE, 0f);
    }

    /** Rescale all gradients together so that their global L2 norm is at most {@code maxNorm}. */
    public static GradientClipping byNorm(float maxNorm) {
        return new GradientClipping(Mode.NORM, maxNorm);
    }

    /** Clamp every gradient element to [-clipValue, clipValue]. */
    public static GradientClipping byValue(float clipValue) {
        return new GradientClipping(Mode.VALUE, clipValue);
    }

    /**
     * Clips the gradients in place and returns their global L2 norm before clipping, which is NaN or
     * infinite when the gradients are, so the trainer can detect divergence at this step. A NaN
     * norm rescales nothing (the comparison is false), as in PyTorch without error_if_nonfinite.
     */
    public float apply(Backend backend, List<Parameter> params) {
        List<Tensor> gradients = new ArrayList<>(params.size());
        for (Parameter p : params) {
            gradients.add(p.gradient());
        }
        float norm = backend.tensors().globalL2Norm(gradients);
        switch (mode) {
            case NONE -> { }
            case NORM -> {
                // clip_coef = max_norm / (norm + 1e-6), applied only when it is below 1.
                float coefficient = threshold / (norm + NORM_EPSILON);
                if (coefficient < 1f) {
                    for (Tensor g : gradients) {
                        backend.tensors().scale(g, coefficient);
                    }
                }
            }
            case VALUE -> {
                for (Tensor g : gradients) {
                    backend.tensors().clamp(g, -threshold, threshold);
                }
            }
        }
        return norm;
    }
}

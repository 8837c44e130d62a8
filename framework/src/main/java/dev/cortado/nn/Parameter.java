package dev.cortado.nn;

import dev.cortado.tensor.Tensor;

/**
 * A learnable tensor, its gradient (same shape, same device) and the multipliers an optimizer
 * applies to the global learning rate and weight decay for it, as Caffe's lr_mult and decay_mult.
 * Names are unique within a network ("conv1.weight") and key checkpoints.
 */
public record Parameter(String name, Tensor value, Tensor gradient, float learningRateMultiplier,
                        float weightDecayMultiplier) {

    public Parameter {
        if (!value.shape().equals(gradient.shape())) {
            throw new IllegalArgumentException("parameter " + name + ": value " + value.shape()
                    + " and gradient " + gradient.shape() + " differ in shape");
        }
    }

    /** Weights: full learning rate and weight decay. */
    public static Parameter weight(String name, Tensor value, Tensor gradient) {
        return new Parameter(name, value, gradient, 1f, 1f);
    }

    /** Biases and normalization scales: full learning rate, no weight decay (PyTorch practice). */
    public static Parameter withoutDecay(String name, Tensor value, Tensor gradient) {
        return new Parameter(name, value, gradient, 1f, 0f);
    }
}

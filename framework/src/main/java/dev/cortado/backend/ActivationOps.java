package dev.cortado.backend;

import dev.cortado.tensor.Tensor;

/** Pointwise activations, PReLU, softmax and log-softmax. Outputs are overwritten; x and y may alias. */
public interface ActivationOps {
    void forward(Activation activation, Tensor x, Tensor y);

    /** dx = dy·f'(x); x and y are the forward input and output (each activation uses the cheaper one). */
    void backward(Activation activation, Tensor x, Tensor y, Tensor dy, Tensor dx);

    /** y = x for x > 0, slope_c·x otherwise, with one learnable slope per channel ({@code [C]}). */
    void preluForward(Tensor x, Tensor slope, Tensor y);

    /** dx and dslope (summed over batch and space, overwritten). */
    void preluBackward(Tensor x, Tensor slope, Tensor dy, Tensor dx, Tensor dslope);

    /** Softmax over the channel axis (dimension 1) at every batch index and spatial position. */
    void softmaxForward(Tensor x, Tensor y);

    /** dx = y ⊙ (dy - Σ_c dy·y), from the forward output y. */
    void softmaxBackward(Tensor y, Tensor dy, Tensor dx);

    /** log softmax over the channel axis, computed as x - max - log Σ exp(x - max). */
    void logSoftmaxForward(Tensor x, Tensor y);

    /** dx = dy - exp(y)·Σ_c dy, from the forward output y. */
    void logSoftmaxBackward(Tensor y, Tensor dy, Tensor dx);
}

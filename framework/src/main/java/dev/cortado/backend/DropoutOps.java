package dev.cortado.backend;

import dev.cortado.tensor.Tensor;

/**
 * Inverted dropout: an element is kept when {@link CounterRng#uniform(long, long)} of (seed, its
 * index) is at least p and then scaled by 1/(1-p), so inference needs no rescaling. The mask is a
 * function of the seed alone: every backend draws the same one.
 */
public interface DropoutOps {
    /** y = x ⊙ mask; mask (same shape as x) receives 0 or 1/(1-p). */
    void forward(Tensor x, float p, long seed, Tensor mask, Tensor y);

    /** dx = dy ⊙ mask. */
    void backward(Tensor dy, Tensor mask, Tensor dx);
}

package dev.cortado.backend;

import dev.cortado.tensor.ShapeMismatchException;
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

    // Argument checks every backend runs first, so that both reject bad input with the same message.

    static void checkForward(Activation activation, Tensor x, Tensor y) {
        ShapeCheck.same(activation + " forward", "x", x, "y", y);
    }

    static void checkBackward(Activation activation, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        String op = activation + " backward";
        ShapeCheck.same(op, "x", x, "y", y);
        ShapeCheck.same(op, "x", x, "dy", dy);
        ShapeCheck.same(op, "x", x, "dx", dx);
    }

    static void checkPreluForward(Tensor x, Tensor slope, Tensor y) {
        String op = "PReLU forward";
        requireChannels(op, x);
        ShapeCheck.same(op, "x", x, "y", y);
        ShapeCheck.perChannel(op, "slope", slope, x);
    }

    static void checkPreluBackward(Tensor x, Tensor slope, Tensor dy, Tensor dx, Tensor dslope) {
        String op = "PReLU backward";
        requireChannels(op, x);
        ShapeCheck.same(op, "x", x, "dy", dy);
        ShapeCheck.same(op, "x", x, "dx", dx);
        ShapeCheck.perChannel(op, "slope", slope, x);
        ShapeCheck.perChannel(op, "dslope", dslope, x);
    }

    /** Softmax and log-softmax forward: over the channels of [N, C] or [N, C, H, W] (cuDNN's channel mode). */
    static void checkSoftmaxForward(String op, Tensor x, Tensor y) {
        requireSoftmaxRank(op, x);
        ShapeCheck.same(op, "x", x, "y", y);
    }

    static void checkSoftmaxBackward(String op, Tensor y, Tensor dy, Tensor dx) {
        requireSoftmaxRank(op, y);
        ShapeCheck.same(op, "y", y, "dy", dy);
        ShapeCheck.same(op, "y", y, "dx", dx);
    }

    private static void requireChannels(String op, Tensor x) {
        if (x.shape().rank() < 2) {
            throw new ShapeMismatchException(op + ": x must be [N, C, ...], got " + x.shape());
        }
    }

    private static void requireSoftmaxRank(String op, Tensor x) {
        int rank = x.shape().rank();
        if (rank != 2 && rank != 4) {
            throw new ShapeMismatchException(op + ": x must be [N, C] or [N, C, H, W], got " + x.shape());
        }
    }
}

package dev.cortado.backend;

import dev.cortado.tensor.Tensor;

/**
 * 2-D convolution, forward and both backward passes. Outputs are overwritten, never accumulated.
 * Shapes: x {@code [N, C, H, W]}, w {@code [K, C/groups, kh, kw]}, y {@code [N, K, OH, OW]}.
 * The bias of a convolution is {@link TensorOps#addChannelBias} and {@link TensorOps#channelBiasGradient}.
 */
public interface ConvolutionOps {
    /** y = x ⋆ w. */
    void forward(Tensor x, Tensor w, Conv2dSpec spec, Tensor y);

    /** dx = ∂L/∂x given dy = ∂L/∂y (the transposed convolution of dy with w). */
    void backwardData(Tensor dy, Tensor w, Conv2dSpec spec, Tensor dx);

    /** dw = ∂L/∂w given the forward input x and dy. */
    void backwardFilter(Tensor x, Tensor dy, Conv2dSpec spec, Tensor dw);
}

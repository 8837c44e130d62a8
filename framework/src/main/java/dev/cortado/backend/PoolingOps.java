package dev.cortado.backend;

import dev.cortado.tensor.Tensor;

/** 2-D max and average pooling; global average pooling is the special case of a whole-plane window. */
public interface PoolingOps {
    void forward(Tensor x, Pool2dSpec spec, Tensor y);

    /**
     * dx from dy; x and y are the forward input and output (cuDNN needs both; max pooling routes
     * each gradient to the first maximum of its window).
     */
    void backward(Tensor x, Tensor y, Tensor dy, Pool2dSpec spec, Tensor dx);

    /** y {@code [N, C, 1, 1]} = mean of x over H×W. */
    default void globalAverageForward(Tensor x, Tensor y) {
        forward(x, Pool2dSpec.global(x.shape()), y);
    }

    default void globalAverageBackward(Tensor x, Tensor y, Tensor dy, Tensor dx) {
        backward(x, y, dy, Pool2dSpec.global(x.shape()), dx);
    }
}

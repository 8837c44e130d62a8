package dev.cortado.backend;

import dev.cortado.tensor.Shape;
import dev.cortado.tensor.ShapeMismatchException;

/**
 * Geometry of 2-D pooling. Output size rounds down ({@code (N + 2P - F)/S + 1}), as PyTorch and cuDNN
 * do; Caffe rounds up. Padding must be at most half the kernel, as in both.
 */
public record Pool2dSpec(PoolMode mode, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW) {

    public Pool2dSpec {
        if (kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1) {
            throw new IllegalArgumentException("pool2d: kernel and stride must be positive, got kernel "
                    + kernelH + "x" + kernelW + " stride " + strideH + "x" + strideW);
        }
        if (padH < 0 || padW < 0) {
            throw new IllegalArgumentException("pool2d: padding must not be negative, got " + padH + "x" + padW);
        }
        if (2 * padH > kernelH || 2 * padW > kernelW) {
            throw new IllegalArgumentException("pool2d: padding " + padH + "x" + padW
                    + " must be at most half the kernel " + kernelH + "x" + kernelW);
        }
    }

    public static Pool2dSpec max(int kernel, int stride) {
        return new Pool2dSpec(PoolMode.MAX, kernel, kernel, stride, stride, 0, 0);
    }

    public static Pool2dSpec max(int kernel, int stride, int padding) {
        return new Pool2dSpec(PoolMode.MAX, kernel, kernel, stride, stride, padding, padding);
    }

    public static Pool2dSpec average(int kernel, int stride, int padding, boolean countPadding) {
        return new Pool2dSpec(countPadding ? PoolMode.AVERAGE_INCLUDE_PADDING : PoolMode.AVERAGE_EXCLUDE_PADDING,
                kernel, kernel, stride, stride, padding, padding);
    }

    /** Average over the whole H×W plane of {@code input}: global average pooling. */
    public static Pool2dSpec global(Shape input) {
        return new Pool2dSpec(PoolMode.AVERAGE_INCLUDE_PADDING, input.height(), input.width(),
                input.height(), input.width(), 0, 0);
    }

    public Shape outputShape(Shape input) {
        if (input.rank() != 4) {
            throw new ShapeMismatchException("pool2d: input must be NCHW (rank 4), got " + input);
        }
        int oh = Conv2dSpec.outputSize("pool2d", input.dim(2), kernelH, strideH, padH, 1);
        int ow = Conv2dSpec.outputSize("pool2d", input.dim(3), kernelW, strideW, padW, 1);
        return Shape.nchw(input.batch(), input.channels(), oh, ow);
    }
}

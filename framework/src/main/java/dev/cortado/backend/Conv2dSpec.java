package dev.cortado.backend;

import dev.cortado.tensor.Shape;
import dev.cortado.tensor.ShapeMismatchException;

/**
 * Geometry of a 2-D convolution (cross-correlation, as in cuDNN and PyTorch). Weights are
 * {@code [outChannels, inChannels/groups, kernelH, kernelW]}; output size per axis is
 * {@code (N + 2P - D(F-1) - 1) / S + 1}, which is the decks' {@code (N - F + 2P)/S + 1} at D = 1.
 */
public record Conv2dSpec(int kernelH, int kernelW, int strideH, int strideW,
                         int padH, int padW, int dilationH, int dilationW, int groups) {

    public Conv2dSpec {
        if (kernelH < 1 || kernelW < 1) {
            throw new IllegalArgumentException("conv2d: kernel must be at least 1x1, got " + kernelH + "x" + kernelW);
        }
        if (strideH < 1 || strideW < 1) {
            throw new IllegalArgumentException("conv2d: stride must be positive, got " + strideH + "x" + strideW);
        }
        if (padH < 0 || padW < 0) {
            throw new IllegalArgumentException("conv2d: padding must not be negative, got " + padH + "x" + padW);
        }
        if (dilationH < 1 || dilationW < 1) {
            throw new IllegalArgumentException("conv2d: dilation must be positive, got " + dilationH + "x" + dilationW);
        }
        if (groups < 1) {
            throw new IllegalArgumentException("conv2d: groups must be positive, got " + groups);
        }
    }

    /** A square kernel with equal stride and padding on both axes, no dilation, one group. */
    public static Conv2dSpec of(int kernel, int stride, int padding) {
        return new Conv2dSpec(kernel, kernel, stride, stride, padding, padding, 1, 1, 1);
    }

    public Conv2dSpec withDilation(int dilation) {
        return new Conv2dSpec(kernelH, kernelW, strideH, strideW, padH, padW, dilation, dilation, groups);
    }

    public Conv2dSpec withGroups(int g) {
        return new Conv2dSpec(kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, g);
    }

    /** Output extent along one axis; fails when the dilated kernel is larger than the padded input. */
    public static int outputSize(String op, int in, int kernel, int stride, int pad, int dilation) {
        int span = dilation * (kernel - 1) + 1;
        if (in + 2 * pad < span) {
            throw new ShapeMismatchException(op + ": kernel extent " + span + " is larger than the padded input "
                    + (in + 2 * pad) + " (input " + in + ", padding " + pad + ")");
        }
        return (in + 2 * pad - span) / stride + 1;
    }

    /** The weight shape for {@code in} input and {@code out} output channels. */
    public Shape weightShape(int in, int out) {
        return Shape.of(out, in / groups, kernelH, kernelW);
    }

    /** Output shape for an NCHW input and a weight tensor, validating every dimension. */
    public Shape outputShape(Shape input, Shape weight) {
        if (input.rank() != 4) {
            throw new ShapeMismatchException("conv2d: input must be NCHW (rank 4), got " + input);
        }
        if (weight.rank() != 4) {
            throw new ShapeMismatchException("conv2d: weight must be [out, in/groups, kh, kw], got " + weight);
        }
        int c = input.channels();
        int k = weight.dim(0);
        if (c % groups != 0 || k % groups != 0) {
            throw new ShapeMismatchException("conv2d: " + groups + " groups must divide input channels " + c
                    + " and output channels " + k + " (input " + input + ", weight " + weight + ")");
        }
        if (weight.dim(1) != c / groups || weight.dim(2) != kernelH || weight.dim(3) != kernelW) {
            throw new ShapeMismatchException("conv2d: weight " + weight + " does not fit input " + input
                    + " with kernel " + kernelH + "x" + kernelW + " and " + groups + " group(s); expected "
                    + weightShape(c, k));
        }
        int oh = outputSize("conv2d", input.dim(2), kernelH, strideH, padH, dilationH);
        int ow = outputSize("conv2d", input.dim(3), kernelW, strideW, padW, dilationW);
        return Shape.nchw(input.batch(), k, oh, ow);
    }
}

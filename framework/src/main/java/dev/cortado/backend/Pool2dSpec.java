package dev.cortado.backend;

import dev.cortado.tensor.Shape;
import dev.cortado.tensor.ShapeMismatchException;

/**
 * Geometry of 2-D pooling. The output size rounds down ({@code (N + 2P - F)/S + 1}), as PyTorch and
 * cuDNN do by default, or up in {@code ceilMode} (PyTorch's {@code ceil_mode=True}, Caffe's default,
 * which torchvision's GoogLeNet uses), where the last window may overhang the input and is clipped to
 * it. As in PyTorch (and Caffe since 2015), a ceil-mode window must start inside the input or its left
 * padding, so no window is empty. Padding must be at most half the kernel, as in both.
 *
 * <p>Average pooling that counts padding divides by F_h·F_w; a ceil-mode window reaching past the
 * padded input would need another divisor (PyTorch counts only the cells up to the padded edge, cuDNN
 * and oneDNN the whole window), so {@link #outputShape} refuses that combination rather than give
 * backend-dependent numbers.
 */
public record Pool2dSpec(PoolMode mode, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                         boolean ceilMode) {

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

    /** Floor-mode pooling, the default of PyTorch and cuDNN. */
    public Pool2dSpec(PoolMode mode, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW) {
        this(mode, kernelH, kernelW, strideH, strideW, padH, padW, false);
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

    /** The same pooling with the output size rounded up (PyTorch's {@code ceil_mode=True}). */
    public Pool2dSpec withCeilMode(boolean ceil) {
        return new Pool2dSpec(mode, kernelH, kernelW, strideH, strideW, padH, padW, ceil);
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
        int oh = outputSize(input.dim(2), kernelH, strideH, padH);
        int ow = outputSize(input.dim(3), kernelW, strideW, padW);
        return Shape.nchw(input.batch(), input.channels(), oh, ow);
    }

    private int outputSize(int in, int kernel, int stride, int pad) {
        int floor = Conv2dSpec.outputSize("pool2d", in, kernel, stride, pad, 1);
        if (!ceilMode) {
            return floor;
        }
        int out = (in + 2 * pad - kernel) % stride == 0 ? floor : floor + 1;
        if ((out - 1) * stride >= in + pad) {
            out--;
        }
        if (mode == PoolMode.AVERAGE_INCLUDE_PADDING && (out - 1) * stride - pad + kernel > in + pad) {
            throw new ShapeMismatchException("pool2d: in ceil mode the last " + kernel + "-wide window at stride "
                    + stride + " reaches past the padded input (" + in + " + 2x" + pad + "), where averaging that"
                    + " counts padding has no agreed divisor; average without counting padding (count_padding:"
                    + " false) or choose sizes whose windows end inside the padding");
        }
        return out;
    }
}

package dev.cortado.backend.cuda;

import static dev.cortado.backend.cuda.CudaContext.ONE;
import static dev.cortado.backend.cuda.CudaContext.ZERO;
import static dev.cortado.backend.cuda.CudaContext.ptr;

import dev.cortado.backend.Pool2dSpec;
import dev.cortado.backend.PoolingOps;
import dev.cortado.backend.ShapeCheck;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.ShapeMismatchException;
import dev.cortado.tensor.Tensor;
import jcuda.jcudnn.JCudnn;

/**
 * Max and average pooling through cuDNN. The output size is {@link Pool2dSpec#outputShape}'s, given
 * to cuDNN as y's descriptor: cuDNN's pooling descriptor has no rounding mode (its
 * {@code cudnnGetPooling2dForwardOutputDim} rounds down), but forward and backward take the output
 * size from y and clip each window to the input, the same as padding that max pooling never selects.
 * That is how ceil-mode pooling has long run on cuDNN (Caffe's CuDNNPoolingLayer with Caffe's
 * rounded-up sizes, cudnn.torch's {@code :ceil()}). Average pooling that counts padding divides by
 * F_h·F_w, which is right only for windows inside the padded input; {@link Pool2dSpec} refuses the
 * ceil-mode geometries where a window reaches past it, so both backends compute the same numbers.
 */
final class CudnnPooling implements PoolingOps {
    private final CudaContext ctx;

    CudnnPooling(CudaContext ctx) {
        this.ctx = ctx;
    }

    /** The output shape, with the CPU backend's checks and messages. */
    private static Shape validate(String op, Tensor x, Pool2dSpec spec) {
        ShapeCheck.rank(op, "x", x, 4);
        try {
            return spec.outputShape(x.shape());
        } catch (IllegalArgumentException e) {
            String detail = e.getMessage().startsWith("pool2d: ") ? e.getMessage().substring(8) : e.getMessage();
            throw new ShapeMismatchException(op + ": " + detail + " [x " + x.shape() + ", " + spec + "]");
        }
    }

    @Override
    public void forward(Tensor x, Pool2dSpec spec, Tensor y) {
        ShapeCheck.require("pool2d forward", "y", y, validate("pool2d forward", x, spec));
        CudaCalls.cudnn("pool2d forward", "cudnnPoolingForward", () -> JCudnn.cudnnPoolingForward(ctx.cudnn,
                ctx.pooling(spec), ONE, ctx.tensor(x.shape()), ptr(x), ZERO, ctx.tensor(y.shape()), ptr(y)));
    }

    @Override
    public void backward(Tensor x, Tensor y, Tensor dy, Pool2dSpec spec, Tensor dx) {
        Shape out = validate("pool2d backward", x, spec);
        ShapeCheck.require("pool2d backward", "y", y, out);
        ShapeCheck.require("pool2d backward", "dy", dy, out);
        ShapeCheck.same("pool2d backward", "x", x, "dx", dx);
        CudaCalls.cudnn("pool2d backward", "cudnnPoolingBackward", () -> JCudnn.cudnnPoolingBackward(ctx.cudnn,
                ctx.pooling(spec), ONE, ctx.tensor(y.shape()), ptr(y), ctx.tensor(dy.shape()), ptr(dy),
                ctx.tensor(x.shape()), ptr(x), ZERO, ctx.tensor(dx.shape()), ptr(dx)));
    }
}

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

/** Max and average pooling through cuDNN; its output size rounds down, as {@link Pool2dSpec} does. */
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

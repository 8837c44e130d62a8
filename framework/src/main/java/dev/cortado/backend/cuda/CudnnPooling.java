package dev.cortado.backend.cuda;

import static dev.cortado.backend.cuda.CudaContext.ONE;
import static dev.cortado.backend.cuda.CudaContext.ZERO;
import static dev.cortado.backend.cuda.CudaContext.ptr;

import dev.cortado.backend.Pool2dSpec;
import dev.cortado.backend.PoolingOps;
import dev.cortado.backend.ShapeCheck;
import dev.cortado.tensor.Tensor;
import jcuda.jcudnn.JCudnn;

/** Max and average pooling through cuDNN; its output size rounds down, as {@link Pool2dSpec} does. */
final class CudnnPooling implements PoolingOps {
    private final CudaContext ctx;

    CudnnPooling(CudaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void forward(Tensor x, Pool2dSpec spec, Tensor y) {
        ShapeCheck.require("pool2d forward", "y", y, spec.outputShape(x.shape()));
        CudaCalls.cudnn("pool2d forward", "cudnnPoolingForward", () -> JCudnn.cudnnPoolingForward(ctx.cudnn,
                ctx.pooling(spec), ONE, ctx.tensor(x.shape()), ptr(x), ZERO, ctx.tensor(y.shape()), ptr(y)));
    }

    @Override
    public void backward(Tensor x, Tensor y, Tensor dy, Pool2dSpec spec, Tensor dx) {
        ShapeCheck.require("pool2d backward", "y", y, spec.outputShape(x.shape()));
        ShapeCheck.same("pool2d backward", "y", y, "dy", dy);
        ShapeCheck.same("pool2d backward", "x", x, "dx", dx);
        CudaCalls.cudnn("pool2d backward", "cudnnPoolingBackward", () -> JCudnn.cudnnPoolingBackward(ctx.cudnn,
                ctx.pooling(spec), ONE, ctx.tensor(y.shape()), ptr(y), ctx.tensor(dy.shape()), ptr(dy),
                ctx.tensor(x.shape()), ptr(x), ZERO, ctx.tensor(dx.shape()), ptr(dx)));
    }
}

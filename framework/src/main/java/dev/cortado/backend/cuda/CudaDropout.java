package dev.cortado.backend.cuda;

import static dev.cortado.backend.cuda.CudaContext.ptr;

import dev.cortado.backend.DropoutOps;
import dev.cortado.backend.ShapeCheck;
import dev.cortado.tensor.Tensor;

/** Inverted dropout with the counter-based mask of dropout_rng.cuh: the CPU backend's mask, bit for bit. */
final class CudaDropout implements DropoutOps {
    private final CudaContext ctx;

    CudaDropout(CudaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void forward(Tensor x, float p, long seed, Tensor mask, Tensor y) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout forward: drop probability p must lie in [0, 1), got " + p);
        }
        ShapeCheck.same("dropout forward", "x", x, "mask", mask);
        ShapeCheck.same("dropout forward", "x", x, "y", y);
        ctx.kernels.launch("dropout forward", Kernel.DROPOUT_FORWARD, x.size(), ptr(x), ptr(mask), ptr(y), x.size(),
                seed, p, 1f / (1f - p));
    }

    @Override
    public void backward(Tensor dy, Tensor mask, Tensor dx) {
        ShapeCheck.same("dropout backward", "dy", dy, "mask", mask);
        ShapeCheck.same("dropout backward", "dy", dy, "dx", dx);
        ctx.kernels.launch("dropout backward", Kernel.MULTIPLY, dy.size(), ptr(dy), ptr(mask), ptr(dx), dy.size());
    }
}

package dev.cortado.backend.cuda;

import static dev.cortado.backend.cuda.CudaContext.ptr;

import dev.cortado.backend.OptimizerOps;
import dev.cortado.backend.OptimizerUpdate;
import dev.cortado.backend.ShapeCheck;
import dev.cortado.tensor.Tensor;

/** The fused updates of optimizer_math.cuh, one launch per parameter tensor. */
final class CudaOptimizers implements OptimizerOps {
    private static final String MODULE = "optimizers";
    private final CudaContext ctx;

    CudaOptimizers(CudaContext ctx) {
        this.ctx = ctx;
    }

    private static void check(String op, Tensor w, Tensor... others) {
        for (Tensor t : others) {
            ShapeCheck.same(op, "w", w, "state or gradient", t);
        }
    }

    @Override
    public void sgd(Tensor w, Tensor g, OptimizerUpdate.Sgd u) {
        check("sgd", w, g);
        ctx.kernels.launch("sgd", MODULE, "sgd_update", w.size(), ptr(w), ptr(g), w.size(), u.learningRate(),
                u.weightDecay());
    }

    @Override
    public void momentum(Tensor w, Tensor g, Tensor velocity, OptimizerUpdate.Momentum u) {
        check("momentum", w, g, velocity);
        ctx.kernels.launch("momentum", MODULE, "momentum_update", w.size(), ptr(w), ptr(g), ptr(velocity), w.size(),
                u.learningRate(), u.momentum(), u.nesterov(), u.weightDecay());
    }

    @Override
    public void adaGrad(Tensor w, Tensor g, Tensor cache, OptimizerUpdate.AdaGrad u) {
        check("adagrad", w, g, cache);
        ctx.kernels.launch("adagrad", MODULE, "adagrad_update", w.size(), ptr(w), ptr(g), ptr(cache), w.size(),
                u.learningRate(), u.epsilon(), u.weightDecay());
    }

    @Override
    public void adaDelta(Tensor w, Tensor g, Tensor squaredGrad, Tensor squaredDelta, OptimizerUpdate.AdaDelta u) {
        check("adadelta", w, g, squaredGrad, squaredDelta);
        ctx.kernels.launch("adadelta", MODULE, "adadelta_update", w.size(), ptr(w), ptr(g), ptr(squaredGrad),
                ptr(squaredDelta), w.size(), u.learningRate(), u.rho(), u.epsilon(), u.weightDecay());
    }

    @Override
    public void rmsProp(Tensor w, Tensor g, Tensor cache, OptimizerUpdate.RmsProp u) {
        check("rmsprop", w, g, cache);
        ctx.kernels.launch("rmsprop", MODULE, "rmsprop_update", w.size(), ptr(w), ptr(g), ptr(cache), w.size(),
                u.learningRate(), u.rho(), u.epsilon(), u.weightDecay());
    }

    /** The bias corrections 1-β^t are computed once per step in double, then passed as floats. */
    @Override
    public void adam(Tensor w, Tensor g, Tensor m, Tensor v, OptimizerUpdate.Adam u) {
        check("adam", w, g, m, v);
        float bc1 = (float) (1 - Math.pow(u.beta1(), u.step()));
        float bc2 = (float) (1 - Math.pow(u.beta2(), u.step()));
        ctx.kernels.launch("adam", MODULE, "adam_update", w.size(), ptr(w), ptr(g), ptr(m), ptr(v), w.size(),
                u.learningRate(), u.beta1(), u.beta2(), u.epsilon(), u.weightDecay(), u.decoupled(), bc1, bc2);
    }

    @Override
    public void addL1Gradient(Tensor w, float strength, Tensor g) {
        check("addL1Gradient", w, g);
        ctx.kernels.launch("addL1Gradient", MODULE, "add_l1_gradient", w.size(), ptr(w), ptr(g), w.size(), strength);
    }
}

package dev.cortado.backend.cuda;

import static dev.cortado.backend.cuda.CudaContext.ptr;

import dev.cortado.backend.OptimizerOps;
import dev.cortado.backend.OptimizerUpdate;
import dev.cortado.backend.ShapeCheck;
import dev.cortado.tensor.Tensor;

/** The fused updates of optimizer_math.cuh, one launch per parameter tensor. */
final class CudaOptimizers implements OptimizerOps {
    private final CudaContext ctx;

    CudaOptimizers(CudaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void sgd(Tensor w, Tensor g, OptimizerUpdate.Sgd u) {
        OptimizerOps.checkUpdate("sgd", w, g);
        ctx.kernels.launch("sgd", Kernel.SGD_UPDATE, w.size(), ptr(w), ptr(g), w.size(), u.learningRate(),
                u.weightDecay());
    }

    @Override
    public void momentum(Tensor w, Tensor g, Tensor velocity, OptimizerUpdate.Momentum u) {
        String op = u.nesterov() ? "nesterov" : "momentum";
        OptimizerOps.checkUpdate(op, w, g);
        ShapeCheck.same(op, "w", w, "velocity", velocity);
        ctx.kernels.launch(op, Kernel.MOMENTUM_UPDATE, w.size(), ptr(w), ptr(g), ptr(velocity), w.size(),
                u.learningRate(), u.momentum(), u.nesterov(), u.weightDecay());
    }

    @Override
    public void adaGrad(Tensor w, Tensor g, Tensor cache, OptimizerUpdate.AdaGrad u) {
        OptimizerOps.checkUpdate("adaGrad", w, g);
        ShapeCheck.same("adaGrad", "w", w, "cache", cache);
        ctx.kernels.launch("adaGrad", Kernel.ADAGRAD_UPDATE, w.size(), ptr(w), ptr(g), ptr(cache), w.size(),
                u.learningRate(), u.epsilon(), u.weightDecay());
    }

    @Override
    public void adaDelta(Tensor w, Tensor g, Tensor squaredGrad, Tensor squaredDelta, OptimizerUpdate.AdaDelta u) {
        OptimizerOps.checkUpdate("adaDelta", w, g);
        ShapeCheck.same("adaDelta", "w", w, "squaredGrad", squaredGrad);
        ShapeCheck.same("adaDelta", "w", w, "squaredDelta", squaredDelta);
        ctx.kernels.launch("adaDelta", Kernel.ADADELTA_UPDATE, w.size(), ptr(w), ptr(g), ptr(squaredGrad),
                ptr(squaredDelta), w.size(), u.learningRate(), u.rho(), u.epsilon(), u.weightDecay());
    }

    @Override
    public void rmsProp(Tensor w, Tensor g, Tensor cache, OptimizerUpdate.RmsProp u) {
        OptimizerOps.checkUpdate("rmsProp", w, g);
        ShapeCheck.same("rmsProp", "w", w, "cache", cache);
        ctx.kernels.launch("rmsProp", Kernel.RMSPROP_UPDATE, w.size(), ptr(w), ptr(g), ptr(cache), w.size(),
                u.learningRate(), u.rho(), u.epsilon(), u.weightDecay());
    }

    /** The bias corrections 1-β^t are computed once per step in double, then passed as floats. */
    @Override
    public void adam(Tensor w, Tensor g, Tensor m, Tensor v, OptimizerUpdate.Adam u) {
        String op = u.decoupled() ? "adamW" : "adam";
        OptimizerOps.checkUpdate(op, w, g);
        ShapeCheck.same(op, "w", w, "m", m);
        ShapeCheck.same(op, "w", w, "v", v);
        float bc1 = (float) (1 - Math.pow(u.beta1(), u.step()));
        float bc2 = (float) (1 - Math.pow(u.beta2(), u.step()));
        ctx.kernels.launch(op, Kernel.ADAM_UPDATE, w.size(), ptr(w), ptr(g), ptr(m), ptr(v), w.size(),
                u.learningRate(), u.beta1(), u.beta2(), u.epsilon(), u.weightDecay(), u.decoupled(), bc1, bc2);
    }

    @Override
    public void addL1Gradient(Tensor w, float strength, Tensor g) {
        ShapeCheck.same("addL1Gradient", "w", w, "g", g);
        ctx.kernels.launch("addL1Gradient", Kernel.ADD_L1_GRADIENT, w.size(), ptr(w), ptr(g), w.size(), strength);
    }
}
